import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { packageRoot } from '../../codegen/index.js';
import { MlforgeError } from '../../errors.js';
import { calibrateDsp, formatDspTable } from '../../targets/dsp-calibration.js';
import { calibrate, CalibrationTable, formatTable, PROFILES, profileName } from '../../targets/index.js';
import { parseIntArg, printJson } from '../output.js';

/** The committed table when running from the repository, else a file in the working directory. */
function defaultOut(file = 'calibration-table.json'): string {
  const repo = path.join(packageRoot(), 'src', 'targets', file);
  return existsSync(repo) ? repo : path.resolve(file);
}

/** `--dsp`: the feature-block latency fits (fpu, soft) instead of the kernels. */
async function calibrateFeatures(o: { out?: string; workDir?: string; json?: boolean }): Promise<void> {
  const out = path.resolve(o.out ?? defaultOut('dsp-calibration.json'));
  const command = `mlforge calibrate --dsp${o.out ? ` --out ${o.out}` : ''}`;
  const progress = o.json ? undefined : (m: string) => process.stderr.write(`${m}\n`);
  const r = await calibrateDsp({ workDir: o.workDir, command, onProgress: progress });
  writeFileSync(out, formatDspTable(r.table));
  const fits = Object.fromEntries(Object.entries(r.table.fits).map(([k, f]) => [k, {
    perMac: f.perMac, perTranscendental: f.perTranscendental, perSample: f.perSample, codeBytes: f.codeBytes, rmsRelErr: f.rmsRelErr, maxRelErr: f.maxRelErr,
  }]));
  if (o.json) return printJson({ out, seconds: r.seconds, fits });
  console.log(`wrote ${out} (${r.seconds} s)`);
  for (const [k, f] of Object.entries(fits)) {
    console.log(`${k.padEnd(6)} ${f.perMac} / MAC, ${f.perTranscendental} / logf-sqrtf, ${f.perSample} / sample; code ${f.codeBytes} B; worst fit ${(100 * f.maxRelErr).toFixed(1)} %`);
  }
  console.log('The cost model reads the table at build time: rebuild (npm run build) to use it from dist/.');
}

function readBase(file: string): CalibrationTable | undefined {
  if (!existsSync(file)) return undefined;
  const parsed = CalibrationTable.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new MlforgeError('BAD_FILE', `${file}: not a calibration table (${parsed.error.issues[0]?.message})`, 'pass another --out or delete the file');
  return parsed.data;
}

export function registerCalibrate(program: Command): void {
  program
    .command('calibrate')
    .description('measure the cost model on QEMU: per-op instruction models of MLForge\'s kernels, kernel code sizes, glue and stack, per core')
    .option('--cores <list>', `cores to measure, comma-separated (${Object.keys(PROFILES).map((p) => p.replace('cortex-', '')).join(',')})`, Object.keys(PROFILES).map((p) => p.replace('cortex-', '')).join(','))
    .option('--out <file>', 'calibration table to write; other cores already in it are kept (default: the committed src/targets/calibration-table.json)')
    .option('--jobs <n>', 'parallel compiler jobs', '2')
    .option('--work-dir <dir>', 'keep the builds in this folder')
    .option('--dsp', 'instead: the feature-block (DSP) latency fits, hard-float FPU and soft float (default --out: src/targets/dsp-calibration.json)')
    .option('--json', 'print one JSON object on stdout')
    .action(async (o: { cores: string; out?: string; jobs: string; workDir?: string; dsp?: boolean; json?: boolean }) => {
      if (o.dsp) return calibrateFeatures(o);
      const cores = o.cores.split(',').map((s) => profileName(s.trim()));
      const out = path.resolve(o.out ?? defaultOut());
      const command = `mlforge calibrate --cores ${o.cores}${o.out ? ` --out ${o.out}` : ''}`;
      const progress = o.json ? undefined : (m: string) => process.stderr.write(`${m}\n`);
      const r = await calibrate({ cores, base: readBase(out), jobs: parseIntArg('jobs', o.jobs), workDir: o.workDir, command, onProgress: progress });
      writeFileSync(out, formatTable(r.table));
      const fits = Object.fromEntries(cores.map((c) => [c, Object.fromEntries(Object.entries(r.table.profiles[c]!.ops)
        .map(([v, f]) => [v, { samples: f.samples, rmsRelErr: f.rmsRelErr, maxRelErr: f.maxRelErr }]))]));
      if (o.json) return printJson({ out, seconds: r.seconds, cores, fits });
      console.log(`wrote ${out} (${cores.join(', ')}; ${r.seconds} s)`);
      for (const c of cores) {
        const ops = Object.entries(r.table.profiles[c]!.ops);
        const worst = ops.reduce((w, [v, f]) => (f.maxRelErr > w[1] ? [v, f.maxRelErr] as [string, number] : w), ['-', 0] as [string, number]);
        console.log(`${c.padEnd(14)} ${ops.length ? `${ops.length} op models, worst fit ${worst[0]} ${(100 * worst[1]).toFixed(1)} %` : 'sizes only'}`);
      }
      console.log('The cost model reads the table at build time: rebuild (npm run build) to use it from dist/.');
    });
}
