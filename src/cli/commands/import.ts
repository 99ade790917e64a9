import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { MlforgeError } from '../../errors.js';
import { readTflite } from '../../formats/tflite/index.js';
import type { Int8Model, Tensor } from '../../ir/int8.js';
import { saveInt8Model } from '../../quant/index.js';
import { VERSION } from '../../version.js';
import { printJson } from '../output.js';

/** One label per line; blank lines ignored. */
function readLabels(file: string, classes: number | undefined): string[] {
  if (!existsSync(file)) throw new MlforgeError('NOT_FOUND', `--labels: ${path.resolve(file)} does not exist`);
  const labels = readFileSync(file, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (classes !== undefined && labels.length !== classes) {
    throw new MlforgeError('BAD_INPUT', `--labels: ${file} has ${labels.length} labels, the model's output has ${classes} values`);
  }
  return labels;
}

const io = (m: Int8Model, i: number) => {
  const t: Tensor = m.tensors[i]!;
  return { name: t.name, dtype: t.dtype, shape: t.shape, ...(t.quant && t.quant.scale.length === 1 ? { scale: t.quant.scale[0], zeroPoint: t.quant.zeroPoint[0] } : {}) };
};

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('read an int8 .tflite file into an int8 model folder (then: mlforge export, verify, infer)')
    .argument('<file>', 'a fully int8-quantized .tflite file')
    .requiredOption('--out <dir>', 'the int8 model folder to write (model.int8.json + weights.bin)')
    .option('--labels <file>', 'class labels, one per line (default: the labels stored in the file by MLForge, if any)')
    .option('--json', 'print one JSON object on stdout')
    .action((fileArg: string, o) => {
      const file = path.resolve(fileArg);
      if (!existsSync(file)) throw new MlforgeError('NOT_FOUND', `${file} does not exist`);
      if (statSync(file).isDirectory()) throw new MlforgeError('BAD_INPUT', `${file} is a folder; expected a .tflite file`);
      const bytes = new Uint8Array(readFileSync(file));
      let model = readTflite(bytes, path.basename(file));
      if (o.labels) {
        const out = model.tensors[model.outputs[0]!]!;
        model = { ...model, meta: { ...model.meta, labels: readLabels(o.labels, out.shape.at(-1)) } };
      }
      // The file's input is already the quantized feature tensor: nothing to normalize (mean 0, std 1 per channel).
      const channels = model.tensors[model.inputs[0]!]!.shape.at(-1) ?? 1;
      const normalization = { mean: new Array<number>(channels).fill(0), std: new Array<number>(channels).fill(1) };
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      saveInt8Model(o.out, { model, normalization, quantization: { source: 'tflite', file, sha256, importedBy: `mlforge ${VERSION}` } });
      const opCounts: Record<string, number> = {};
      for (const op of model.ops) opCounts[op.options.kind] = (opCounts[op.options.kind] ?? 0) + 1;
      const weightBytes = [...model.data.values()].reduce((a, d) => a + d.byteLength, 0);
      const summary = {
        out: path.resolve(o.out), name: model.meta.name, sha256, ops: model.ops.length, opCounts, tensors: model.tensors.length, weightBytes,
        inputs: model.inputs.map((i) => io(model, i)), outputs: model.outputs.map((i) => io(model, i)),
        ...(model.meta.labels ? { labels: model.meta.labels } : {}),
      };
      if (o.json) { printJson(summary); return; }
      const shape = (t: { dtype: string; shape: number[] }) => `${t.dtype} [${t.shape.join(',')}]`;
      console.log(`imported ${path.basename(file)}: ${summary.ops} ops (${Object.entries(opCounts).map(([k, v]) => `${v} ${k}`).join(', ')}), ` +
        `input ${summary.inputs.map(shape).join(' + ')}, output ${summary.outputs.map(shape).join(' + ')}, ${weightBytes.toLocaleString('en')} bytes of constants → ${summary.out}`);
    });
}
