/**
 * Int8 deployment benchmark: the real MLPerf Tiny models (KWS DS-CNN and
 * ResNet-8 from ../shared/models/mlperf-tiny), exported as C, built with
 * arm-none-eabi-gcc -O2 and run under QEMU (Cortex-M4 mps2-an386, Cortex-M7
 * mps2-an500): instructions per inference, arena, RAM, flash split into code
 * and weights, kernel code — next to TensorFlow Lite Micro's figures for the
 * same models and to MLForge's own cost-model estimate.
 *
 * @example
 * const rows = await benchInt8();            // called from bench/run.ts
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMapFile, verify, type SectionSizes } from '../src/deploy/index.js';
import { readTflite } from '../src/formats/tflite/index.js';
import { estimateCost, findBoard } from '../src/targets/index.js';

const MODELS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/models/mlperf-tiny');

/**
 * TensorFlow Lite Micro on the same int8 models, measured on QEMU mps2-an386
 * (Cortex-M4) with Debian arm-none-eabi-gcc 12.2 — the yardsticks of MLForge
 * issue 3 ("Int8: quantization, bit-exact C kernels, memory planner and the C
 * generator"). Kernel code is TFLM's kernels for these ops.
 */
export const TFLM_YARDSTICKS = {
  source: 'MLForge issue 3: TensorFlow Lite Micro on QEMU mps2-an386 (Cortex-M4), Debian arm-none-eabi-gcc 12.2, same int8 models',
  kws: { referenceInstructions: 198.6e6, cmsisNnInstructions: 7.70e6, arenaBytes: 22772, activationBytes: 16000, kernelCodeBytes: { reference: 61 * 1024, cmsisNn: 107 * 1024 } },
  resnet8: { referenceInstructions: 824.0e6, cmsisNnInstructions: 29.9e6, arenaBytes: 54340, activationBytes: 49152, kernelCodeBytes: { reference: 61 * 1024, cmsisNn: 107 * 1024 } },
} as const;

/** Issue 3's goals: fewer instructions than TFLM + CMSIS-NN, RAM ≤ ¾ of TFLM's arena, DS-CNN kernel code < 15 KB. */
const KERNEL_CODE_GOAL = 15 * 1024;

export interface Int8BenchRow {
  model: 'kws' | 'resnet8';
  file: string;
  target: 'cortex-m4' | 'cortex-m7';
  machine: string;
  inputs: number;
  mismatches: number;
  macs: number;
  instructionsPerInference: number;
  instructionsPerMac: number;
  arenaBytes: number;
  /** RAM the model needs: arena plus any other state (.bss + .data of model.o and the kernels). */
  ramBytes: number;
  /** Flash of the model (model.o + kernel objects after --gc-sections): code (.text), constants (.rodata), of which weights. */
  flash: { code: number; rodata: number; weights: number; total: number };
  /** .text + .rodata of the kernel objects alone. */
  kernelCodeBytes: number;
  /** The cost model's estimate for this core (mps2 board, latency at its 25 MHz). */
  estimate: { instructions: number; flashBytes: number; arenaBytes: number; instructionsVsMeasured: number };
  tflm: { referenceInstructions: number; cmsisNnInstructions: number; arenaBytes: number; activationBytes: number; kernelCodeBytes: { reference: number; cmsisNn: number }; source: string };
  vsTflm: { instructionsVsCmsisNn: number; ramVsArena: number; fewerInstructionsThanCmsisNn: boolean; ramAtMostThreeQuarters: boolean; kernelCodeUnder15KB?: boolean };
}

const load = (s: SectionSizes): number => s.text + s.rodata + s.data;

export async function benchInt8(opts: { targets?: readonly ('cortex-m4' | 'cortex-m7')[]; inputs?: number; log?: (s: string) => void } = {}): Promise<Int8BenchRow[]> {
  const log = opts.log ?? (() => {});
  const inputs = opts.inputs ?? 3;
  const rows: Int8BenchRow[] = [];
  const work = mkdtempSync(path.join(os.tmpdir(), 'mlforge-bench-int8-'));
  try {
    for (const [name, file] of [['kws', 'kws_ref_model.tflite'], ['resnet8', 'pretrainedResnet_quant.tflite']] as const) {
      const model = readTflite(new Uint8Array(readFileSync(path.join(MODELS, file))), file);
      const weights = [...model.data.values()].reduce((s, d) => s + d.byteLength, 0);
      for (const target of opts.targets ?? (['cortex-m4', 'cortex-m7'] as const)) {
        log(`int8 ${name} on ${target} (QEMU) …`);
        const workDir = path.join(work, `${name}-${target}`);
        const r = await verify(model, { target, inputs, workDir });
        const map = parseMapFile(readFileSync(path.join(workDir, `build-${target}`, 'harness.map'), 'utf8'));
        const kernelCodeBytes = [...map].filter(([f]) => /obj\/kernels_\w+\.o$/.test(f)).reduce((s, [, v]) => s + v.text + v.rodata, 0);
        const m = r.size!.model;
        const est = estimateCost(model, findBoard(target === 'cortex-m4' ? 'mps2/an386' : 'mps2/an500'));
        const t = TFLM_YARDSTICKS[name];
        const instr = r.instructions!.perInference;
        const ram = m.bss + m.data;
        rows.push({
          model: name, file, target, machine: r.machine!, inputs, mismatches: r.mismatches, macs: r.macs,
          instructionsPerInference: instr, instructionsPerMac: +(instr / r.macs).toFixed(3),
          arenaBytes: r.arenaBytes, ramBytes: ram,
          flash: { code: m.text, rodata: m.rodata, weights, total: load(m) },
          kernelCodeBytes,
          estimate: { instructions: Math.round(est.instructions), flashBytes: est.flashBytes, arenaBytes: est.sram.arena, instructionsVsMeasured: +(est.instructions / instr).toFixed(3) },
          tflm: { ...t, source: TFLM_YARDSTICKS.source },
          vsTflm: {
            instructionsVsCmsisNn: +(instr / t.cmsisNnInstructions).toFixed(3), ramVsArena: +(ram / t.arenaBytes).toFixed(3),
            fewerInstructionsThanCmsisNn: instr < t.cmsisNnInstructions, ramAtMostThreeQuarters: ram <= 0.75 * t.arenaBytes,
            ...(name === 'kws' ? { kernelCodeUnder15KB: kernelCodeBytes < KERNEL_CODE_GOAL } : {}),
          },
        });
        log(`  ${(instr / 1e6).toFixed(2)} M instructions (TFLM+CMSIS-NN ${(t.cmsisNnInstructions / 1e6).toFixed(2)} M), RAM ${ram} B (TFLM arena ${t.arenaBytes}), kernels ${kernelCodeBytes} B, estimate ${(est.instructions / instr).toFixed(3)}× measured`);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return rows;
}

// `npx tsx bench/int8.ts` runs it alone.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rows = await benchInt8({ log: (s) => process.stderr.write(`${s}\n`) });
  process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
}
