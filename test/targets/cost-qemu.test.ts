/**
 * The cost model against real builds: export + arm-none-eabi-gcc + QEMU.
 * - Conservative: the measured arena and flash of exported models never
 *   exceed the estimates (a DS-CNN — the MLPerf Tiny KWS model — and a small CNN).
 * - Accurate: the estimated instructions of whole models, which calibration
 *   never saw (it times single ops), are within ±25 % of QEMU's count, and the
 *   estimated cycles are at least the measured instructions (an in-order
 *   Cortex-M4 needs ≥ 1 cycle per instruction).
 * Needs arm-none-eabi-gcc and qemu-system-arm (scripts/install-system.sh).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMapFile, verify, type VerifyReport } from '../../src/deploy/index.js';
import type { Int8Model } from '../../src/ir/int8.js';
import { findPreset, resolveModel } from '../../src/ir/index.js';
import { estimateCost, findBoard, shapeOnlyInt8, type CostEstimate } from '../../src/targets/index.js';
import { loadShared } from '../codegen/models.js';

const SLOW = 1_200_000;
const work = mkdtempSync(path.join(os.tmpdir(), 'mlforge-cost-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Measured {
  report: VerifyReport;
  /** text + rodata + data of model.o, the kernel objects, and every library member of the image. */
  flash: number;
  kernels: number;
  library: number;
}

async function measure(model: Int8Model, target: 'cortex-m3' | 'cortex-m4' | 'cortex-m7', tag: string): Promise<Measured> {
  const workDir = path.join(work, `${tag}-${target}`);
  const report = await verify(model, { target, inputs: 2, workDir });
  expect(report.mismatches).toBe(0);
  const map = parseMapFile(readFileSync(path.join(workDir, `build-${target}`, 'harness.map'), 'utf8'));
  const load = (s: { text: number; rodata: number; data: number }) => s.text + s.rodata + s.data;
  let kernels = 0;
  let library = 0;
  let glue = 0;
  for (const [file, s] of map) {
    if (/obj\/kernels_[\w]+\.o$/.test(file)) kernels += load(s);
    else if (/obj\/model\.o$/.test(file)) glue += load(s);
    else if (/\.a\(/.test(file)) library += load(s);
  }
  expect(glue + kernels).toBe(load(report.size!.model));
  return { report, flash: glue + kernels + library, kernels, library };
}

function expectConservative(est: CostEstimate, m: Measured): void {
  const r = m.report;
  expect(r.arenaBytes, 'arena').toBeLessThanOrEqual(est.sram.arena);
  expect(r.size!.model.bss, 'model RAM').toBeLessThanOrEqual(est.sram.arena);
  expect(r.size!.model.data).toBe(0);
  expect(m.kernels, 'kernel code').toBeLessThanOrEqual(est.flash.kernelCode);
  expect(m.flash, 'flash').toBeLessThanOrEqual(est.flashBytes);
  // …and not wildly above (a bound that is useless would pass too).
  expect(est.flashBytes).toBeLessThan(m.flash * 1.25 + 4096);
}

const m4board = findBoard('mps2/an386');

describe('estimates hold on exported models (QEMU Cortex-M4)', () => {
  it('MLPerf Tiny KWS DS-CNN: arena and flash within the estimate; instructions within ±25 %', async () => {
    const model = loadShared('kws_ref_model.tflite');
    const est = estimateCost(model, m4board);
    const m = await measure(model, 'cortex-m4', 'kws');
    expectConservative(est, m);
    const measured = m.report.instructions!.perInference;
    const ratio = est.instructions / measured;
    console.log(`KWS on M4: estimated ${Math.round(est.instructions)} instructions, measured ${measured} (${((ratio - 1) * 100).toFixed(1)} %); `
      + `flash ${est.flashBytes} est vs ${m.flash} measured; arena ${est.sram.arena} vs ${m.report.arenaBytes}`);
    expect(ratio).toBeGreaterThan(0.75);
    expect(ratio).toBeLessThan(1.25);
    expect(est.cycles).toBeGreaterThanOrEqual(measured);
  }, SLOW);

  it('a small CNN costed before training (shape-only weights): arena and flash within the estimate', async () => {
    const r = resolveModel(findPreset('cnn-small')!.build());
    const est = estimateCost(r, m4board);
    const m = await measure(shapeOnlyInt8(r), 'cortex-m4', 'cnn');
    expectConservative(est, m);
    const ratio = est.instructions / m.report.instructions!.perInference;
    console.log(`cnn-small on M4: instructions estimate/measured ${ratio.toFixed(3)}; flash ${est.flashBytes} est vs ${m.flash}`);
    expect(ratio).toBeGreaterThan(0.75);
    expect(ratio).toBeLessThan(1.25);
  }, SLOW);
});

describe('other cores', () => {
  it('a small CNN on QEMU Cortex-M3 (portable kernel paths): instructions within ±25 %, flash and arena within the estimate', async () => {
    const r = resolveModel(findPreset('cnn-small')!.build());
    const est = estimateCost(r, findBoard('mps2/an385'));
    const m = await measure(shapeOnlyInt8(r), 'cortex-m3', 'cnn');
    expectConservative(est, m);
    const ratio = est.instructions / m.report.instructions!.perInference;
    console.log(`cnn-small on M3: instructions estimate/measured ${ratio.toFixed(3)}`);
    expect(ratio).toBeGreaterThan(0.75);
    expect(ratio).toBeLessThan(1.25);
  }, SLOW);

  it('MLPerf Tiny ResNet-8 on QEMU Cortex-M7: instructions within ±25 %, flash and arena within the estimate', async () => {
    const model = loadShared('pretrainedResnet_quant.tflite');
    const est = estimateCost(model, findBoard('mps2/an500'));
    const m = await measure(model, 'cortex-m7', 'resnet');
    expectConservative(est, m);
    const ratio = est.instructions / m.report.instructions!.perInference;
    console.log(`ResNet-8 on M7: instructions estimate/measured ${ratio.toFixed(3)}`);
    expect(ratio).toBeGreaterThan(0.75);
    expect(ratio).toBeLessThan(1.25);
  }, SLOW);
});
