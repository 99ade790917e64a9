import type { Command } from 'commander';
import { isTarget, readRawWindows, TARGETS, verify, type VerifyReport } from '../../deploy/index.js';
import { parseFeatureConfig } from '../../dsp/index.js';
import { MlforgeError } from '../../errors.js';
import { parseIntArg, printJson } from '../output.js';
import { loadSavedArg, parseRounding } from './export.js';

const n = (x: number): string => Math.round(x).toLocaleString('en');

function describe(r: VerifyReport): string[] {
  const where = r.machine ? `${r.target} (QEMU ${r.machine})` : r.target;
  const ok = r.mismatches === 0;
  const lines = [
    `${where}: ${r.samples - r.mismatches}/${r.samples} inputs byte-identical to in-process evaluation (${r.backend} kernels)${ok ? '' : ` — ${r.mismatchedBytes} bytes differ`}`,
  ];
  for (const m of r.firstMismatches.slice(0, 3)) lines.push(`  sample ${m.sample} output ${m.output}[${m.index}]: expected ${m.expected}, got ${m.actual}`);
  lines.push(...describeFrontEnd(r));
  if (r.instructions) {
    const i = r.instructions;
    lines.push(`instructions/inference ${n(i.perInference)}${i.perMac ? ` (${i.perMac.toFixed(2)} per MAC, ${n(r.macs)} MACs)` : ''}${i.plausible ? '' : ' — IMPLAUSIBLE, check the calibration'}`);
  }
  if (r.hostNsPerInference !== undefined) lines.push(`host: ${(r.hostNsPerInference / 1e6).toFixed(3)} ms/inference, ${n(r.macs)} MACs`);
  if (r.size) {
    const s = r.size.image;
    const m = r.size.model;
    lines.push(`image: text ${n(s.text)} · rodata ${n(s.rodata)} · data ${n(s.data)} · bss ${n(s.bss)} B (flash ${n(s.text + s.rodata + s.data)}, RAM ${n(s.data + s.bss)} + stack)`);
    lines.push(`model: text ${n(m.text)} · rodata ${n(m.rodata)} · data ${n(m.data)} · bss ${n(m.bss)} B (arena ${n(r.arenaBytes)})`);
  } else {
    lines.push(`arena ${n(r.arenaBytes)} B`);
  }
  lines.push(r.workDir ? `run again: cd ${r.workDir}/build-${r.target} && ${r.commands.run}` : '(pass --work-dir DIR to keep the export and the build)');
  return lines;
}

const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;

function describeFrontEnd(r: VerifyReport): string[] {
  const f = r.frontEnd;
  if (!f) return [];
  const lines: string[] = [];
  if (f.inputs) {
    lines.push(`features: C (float32) vs TS max |Δ| ${f.featureMaxAbsDiff!.toExponential(2)} (relative ${f.featureMaxRelDiff!.toExponential(2)}); normalization + quantization of the C features ${f.pipelineMismatches === 0 ? 'identical to the TS twin' : `DIFFERS from the TS twin in ${f.pipelineMismatches} windows`}`);
    const i = f.inputs;
    lines.push(`int8 inputs from raw windows: ${i.windowsDiffering}/${f.windows} windows differ from the TS twin (${i.bytesDiffering} bytes, ${pct(i.byteRate)}; max |Δ| ${i.maxDelta} LSB)`);
  }
  if (f.top1) lines.push(`top-1 with C features vs TS features: ${f.top1.disagreements}/${f.windows} disagree (${pct(f.top1.rate)})`);
  if (f.anomaly) {
    const a = f.anomaly;
    lines.push(`anomaly (threshold ${a.threshold}): ${a.anomalous}/${f.windows} anomalous on the device; decision vs TS twin ${a.decisionDisagreements} disagree (${pct(a.rate)}), max |Δscore| ${a.maxScoreDiff.toExponential(2)}; score ${a.scoreMismatches === 0 ? 'bit-identical to the TS twin' : `DIFFERS from the TS twin in ${a.scoreMismatches} windows`}`);
  }
  const c = f.cost;
  if (f.inputs) lines.push(`feature block: ${n(c.ramBytes)} B scratch RAM, ${n(c.constBytes)} B tables; ${n(c.macs)} MACs${f.instructions ? `, ${n(f.instructions.perWindow)} instructions/window` : ''}${r.size?.features ? `; DSP code ${n(r.size.features.text)} B` : ''}`);
  return lines;
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('export an int8 model as C, run it on the host or a Cortex-M under QEMU, compare with in-process evaluation, measure instructions and sizes')
    .argument('<model>', 'int8 model folder (mlforge quantize --out) or an int8 .tflite file')
    .option('--target <target>', `${TARGETS.join(', ')}`, 'host')
    .option('--inputs <n>', 'number of test inputs (random raw windows for a model with features)', '100')
    .option('--raw <file>', 'models with features: raw windows (.wav for audio, .csv series for motion, or float32 little-endian windows back to back)')
    .option('--seed <n>', 'seed of the test inputs', '0')
    .option('--rounding <mode>', 'requantization rounding: double or single', 'double')
    .option('--work-dir <dir>', 'keep the export and the build in this folder (default: a temporary folder)')
    .option('--json', 'print one JSON object on stdout')
    .action(async (modelArg: string, o) => {
      if (!isTarget(o.target)) {
        throw new MlforgeError('BAD_INPUT', `--target: expected one of ${TARGETS.join(', ')}, got "${o.target}"`);
      }
      const { model, features, normalization, anomaly } = loadSavedArg(modelArg);
      if (o.raw && !features) throw new MlforgeError('BAD_INPUT', `--raw: model ${modelArg} has no feature block; it takes its input tensor directly`, 'drop --raw');
      const raw = o.raw && features ? readRawWindows(o.raw, parseFeatureConfig(features)) : undefined;
      const report = await verify(model, {
        features, normalization, anomaly, raw,
        target: o.target,
        inputs: parseIntArg('inputs', o.inputs),
        seed: parseIntArg('seed', o.seed, 0),
        rounding: parseRounding(o.rounding),
        workDir: o.workDir,
      });
      if (o.json) printJson(report);
      else console.log(describe(report).join('\n'));
      const f = report.frontEnd;
      if (report.mismatches > 0 || (f?.pipelineMismatches ?? 0) > 0 || (f?.anomaly?.scoreMismatches ?? 0) > 0) process.exitCode = 1;
    });
}
