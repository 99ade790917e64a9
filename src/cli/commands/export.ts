import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { exportC, frontEndCost, planMemory, type PlanStrategy } from '../../codegen/index.js';
import { MlforgeError } from '../../errors.js';
import { readTflite, writeTflite } from '../../formats/tflite/index.js';
import type { Int8Model } from '../../ir/int8.js';
import { loadInt8Model, type SavedInt8Model } from '../../quant/index.js';
import { info, parseIntArg, printJson } from '../output.js';

/** MODEL: an int8 model folder (`mlforge quantize --out`) or an int8 `.tflite` file. */
export function loadModelArg(arg: string): Int8Model {
  const file = path.resolve(arg);
  if (!existsSync(file)) throw new MlforgeError('NOT_FOUND', `expected an int8 model folder or a .tflite file at ${file}, found nothing`);
  if (statSync(file).isDirectory()) return loadInt8Model(file).model;
  if (file.toLowerCase().endsWith('.tflite')) return readTflite(new Uint8Array(readFileSync(file)), path.basename(file));
  throw new MlforgeError('BAD_INPUT', `expected an int8 model folder or a .tflite file for MODEL, got ${file}`, 'pass the --out folder of `mlforge quantize`');
}

/** MODEL with what an int8 model folder adds (feature block, normalization, anomaly threshold); a .tflite file has none. */
export function loadSavedArg(arg: string): Pick<SavedInt8Model, 'model' | 'features' | 'anomaly'> & { normalization?: SavedInt8Model['normalization'] } {
  const file = path.resolve(arg);
  if (existsSync(file) && statSync(file).isDirectory()) return loadInt8Model(file);
  return { model: loadModelArg(arg) };
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
    .description('export an int8 model as C99 (model.h/.c, kernels, static arena, Makefile, CMakeLists, example) or as a .tflite file')
    .argument('<model>', 'int8 model folder (mlforge quantize --out or mlforge import --out) or an int8 .tflite file')
    .requiredOption('--out <path>', 'c: output folder (created if missing); tflite: the .tflite file to write')
    .option('--format <fmt>', 'export format: c or tflite', 'c')
    .option('--float-io', 'tflite: float32 input/output (QUANTIZE/DEQUANTIZE added at the graph edges) instead of int8')
    .option('--planner <strategy>', 'c: memory planner: naive, greedy (TFLite Micro) or optimized', 'optimized')
    .option('--alignment <bytes>', 'c: arena alignment of every tensor', '16')
    .option('--rounding <mode>', 'c: requantization rounding: double (TFLite default) or single', 'double')
    .option('--json', 'print one JSON object on stdout')
    .action((modelArg: string, o) => {
      if (o.format === 'tflite') return exportTfliteAction(modelArg, o);
      if (o.format !== 'c') {
        throw new MlforgeError('UNSUPPORTED', `--format: expected c or tflite, got "${o.format}"`);
      }
      if (o.floatIo) throw new MlforgeError('BAD_INPUT', '--float-io applies to --format tflite only (the C API quantizes floats with mlforge_quantize_input)');
      const { model, features, normalization, anomaly } = loadSavedArg(modelArg);
      const plan = { strategy: parsePlanner(o.planner), alignment: parseIntArg('alignment', o.alignment) };
      const result = exportC(model, o.out, { plan, rounding: parseRounding(o.rounding), features, normalization, anomaly });
      const greedy = planMemory(model, { ...plan, strategy: 'greedy' });
      const p = result.plan;
      const fe = result.cModel.frontEnd;
      const feCost = fe?.features ? { kind: fe.features.config.kind, ...frontEndCost(fe) } : undefined;
      if (o.json) {
        printJson({
          outDir: result.outDir, files: result.files, arenaBytes: p.arenaBytes, greedyArenaBytes: greedy.arenaBytes,
          lowerBound: p.lowerBound, order: p.order, inPlace: p.inPlace, steps: p.steps,
          kernels: result.cModel.kernelSources,
          ...(feCost ? { features: feCost } : {}), ...(fe?.anomaly ? { anomalyThreshold: fe.anomaly.threshold } : {}),
        });
        return;
      }
      if (feCost) info(`features (${feCost.kind}): mlforge_features scratch ${feCost.ramBytes.toLocaleString('en')} B RAM beside the arena, ${feCost.constBytes.toLocaleString('en')} B of tables in flash`);
      if (fe?.anomaly) info(`anomaly threshold ${fe.anomaly.threshold} (MLFORGE_ANOMALY_THRESHOLD)`);
      info(`arena ${p.arenaBytes.toLocaleString('en')} B (TFLite Micro greedy: ${greedy.arenaBytes.toLocaleString('en')} B, lower bound ${p.lowerBound.toLocaleString('en')} B) · ${p.inPlace.length} in-place op(s)`);
      console.log(`wrote ${result.files.length} files to ${result.outDir} — build and run: cd ${result.outDir} && make && ./example/main`);
    });
}

/** --format tflite: one file; labels travel in the "mlforge" metadata (writeTflite takes them from the model). */
function exportTfliteAction(modelArg: string, o: { out: string; floatIo?: boolean; json?: boolean }): void {
  const out = path.resolve(o.out);
  if (existsSync(out) && statSync(out).isDirectory()) {
    throw new MlforgeError('BAD_INPUT', `--out: ${out} is a folder; --format tflite writes one file`, 'pass a file name such as model.tflite');
  }
  const model = loadModelArg(modelArg);
  const io = o.floatIo ? 'float32' : 'int8';
  const bytes = writeTflite(model, { io });
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, bytes);
  const kinds = model.ops.map((op) => op.options.kind);
  const summary = {
    out, format: 'tflite', bytes: bytes.length, io, ops: kinds.length + (io === 'float32' ? model.inputs.length + model.outputs.length : 0),
    ...(model.meta.labels ? { labels: model.meta.labels } : {}),
  };
  if (o.json) printJson(summary);
  else console.log(`wrote ${out} (${bytes.length.toLocaleString('en')} bytes, ${summary.ops} ops, ${io} input/output${model.meta.labels ? `, ${model.meta.labels.length} labels` : ''}) — check it with: mlforge inspect ${out}`);
}
