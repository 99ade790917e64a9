import type { Command } from 'commander';
import { isTarget, TARGETS, verify, type VerifyReport } from '../../deploy/index.js';
import { MlforgeError } from '../../errors.js';
import { parseIntArg, printJson } from '../output.js';
import { loadModelArg, parseRounding } from './export.js';

const n = (x: number): string => Math.round(x).toLocaleString('en');

function describe(r: VerifyReport): string[] {
  const where = r.machine ? `${r.target} (QEMU ${r.machine})` : r.target;
  const ok = r.mismatches === 0;
  const lines = [
    `${where}: ${r.samples - r.mismatches}/${r.samples} inputs byte-identical to in-process evaluation (${r.backend} kernels)${ok ? '' : ` — ${r.mismatchedBytes} bytes differ`}`,
  ];
  for (const m of r.firstMismatches.slice(0, 3)) lines.push(`  sample ${m.sample} output ${m.output}[${m.index}]: expected ${m.expected}, got ${m.actual}`);
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

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('export an int8 model as C, run it on the host or a Cortex-M under QEMU, compare with in-process evaluation, measure instructions and sizes')
    .argument('<model>', 'int8 model folder (mlforge quantize --out) or an int8 .tflite file')
    .option('--target <target>', `${TARGETS.join(', ')}`, 'host')
    .option('--inputs <n>', 'number of test inputs', '100')
    .option('--seed <n>', 'seed of the test inputs', '0')
    .option('--rounding <mode>', 'requantization rounding: double or single', 'double')
    .option('--work-dir <dir>', 'keep the export and the build in this folder (default: a temporary folder)')
    .option('--json', 'print one JSON object on stdout')
    .action(async (modelArg: string, o) => {
      if (!isTarget(o.target)) {
        throw new MlforgeError('BAD_INPUT', `--target: expected one of ${TARGETS.join(', ')}, got "${o.target}"`);
      }
      const model = loadModelArg(modelArg);
      const report = await verify(model, {
        target: o.target,
        inputs: parseIntArg('inputs', o.inputs),
        seed: parseIntArg('seed', o.seed, 0),
        rounding: parseRounding(o.rounding),
        workDir: o.workDir,
      });
      if (o.json) printJson(report);
      else console.log(describe(report).join('\n'));
      if (report.mismatches > 0) process.exitCode = 1;
    });
}
