import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { exportC, planMemory, type PlanStrategy } from '../../codegen/index.js';
import { MlforgeError } from '../../errors.js';
import { readTflite } from '../../formats/tflite/index.js';
import type { Int8Model } from '../../ir/int8.js';
import { loadInt8Model } from '../../quant/index.js';
import { info, parseIntArg, printJson } from '../output.js';

/** MODEL: an int8 model folder (`mlforge quantize --out`) or an int8 `.tflite` file. */
export function loadModelArg(arg: string): Int8Model {
  const file = path.resolve(arg);
  if (!existsSync(file)) throw new MlforgeError('NOT_FOUND', `expected an int8 model folder or a .tflite file at ${file}, found nothing`);
  if (statSync(file).isDirectory()) return loadInt8Model(file).model;
  if (file.toLowerCase().endsWith('.tflite')) return readTflite(new Uint8Array(readFileSync(file)), path.basename(file));
  throw new MlforgeError('BAD_INPUT', `expected an int8 model folder or a .tflite file for MODEL, got ${file}`, 'pass the --out folder of `mlforge quantize`');
}

export function parseRounding(v: string): 'double' | 'single' {
  if (v !== 'double' && v !== 'single') throw new MlforgeError('BAD_INPUT', `--rounding: expected double or single, got "${v}"`);
  return v;
}

export function parsePlanner(v: string): PlanStrategy {
  if (v !== 'naive' && v !== 'greedy' && v !== 'optimized') throw new MlforgeError('BAD_INPUT', `--planner: expected naive, greedy or optimized, got "${v}"`);
  return v;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('export an int8 model as C99 (model.h/.c, kernels, static arena, Makefile, CMakeLists, example)')
    .argument('<model>', 'int8 model folder (mlforge quantize --out) or an int8 .tflite file')
    .requiredOption('--out <dir>', 'output folder (created if missing)')
    .option('--format <fmt>', 'export format: c', 'c')
    .option('--planner <strategy>', 'memory planner: naive, greedy (TFLite Micro) or optimized', 'optimized')
    .option('--alignment <bytes>', 'arena alignment of every tensor', '16')
    .option('--rounding <mode>', 'requantization rounding: double (TFLite default) or single', 'double')
    .option('--json', 'print one JSON object on stdout')
    .action((modelArg: string, o) => {
      if (o.format !== 'c') {
        throw new MlforgeError('UNSUPPORTED', `--format: this command exports "c", got "${o.format}"`, 'use --format c');
      }
      const model = loadModelArg(modelArg);
      const plan = { strategy: parsePlanner(o.planner), alignment: parseIntArg('alignment', o.alignment) };
      const result = exportC(model, o.out, { plan, rounding: parseRounding(o.rounding) });
      const greedy = planMemory(model, { ...plan, strategy: 'greedy' });
      const p = result.plan;
      if (o.json) {
        printJson({
          outDir: result.outDir, files: result.files, arenaBytes: p.arenaBytes, greedyArenaBytes: greedy.arenaBytes,
          lowerBound: p.lowerBound, order: p.order, inPlace: p.inPlace, steps: p.steps,
          kernels: result.cModel.kernelSources,
        });
        return;
      }
      info(`arena ${p.arenaBytes.toLocaleString('en')} B (TFLite Micro greedy: ${greedy.arenaBytes.toLocaleString('en')} B, lower bound ${p.lowerBound.toLocaleString('en')} B) · ${p.inPlace.length} in-place op(s)`);
      console.log(`wrote ${result.files.length} files to ${result.outDir} — build and run: cd ${result.outDir} && make && ./example/main`);
    });
}
