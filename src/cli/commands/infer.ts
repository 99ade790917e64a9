import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { createInterpreter, nativeInt8Available, type Int8Backend, type TensorData, type TensorInfo } from '../../engine/int8/index.js';
import { MlforgeError } from '../../errors.js';
import { printJson } from '../output.js';
import { loadModelArg } from './export.js';

/**
 * Raw rows: per sample, every graph input (resp. output) in graph order, its
 * values row-major, int8 as one byte, float32 (a --float-io model) as four
 * little-endian bytes. No header, so files from any runtime compare with `cmp`.
 */
function bytesPerValue(t: TensorInfo, role: string): number {
  if (t.dtype === 'int8') return 1;
  if (t.dtype === 'float32') return 4;
  throw new MlforgeError('UNSUPPORTED', `${role} "${t.name}" is ${t.dtype}; infer reads and writes int8 (or float32) rows`);
}

const rowBytes = (ts: readonly TensorInfo[], role: string): number => ts.reduce((a, t) => a + t.size * bytesPerValue(t, role), 0);

function slice(buf: Buffer, offset: number, t: TensorInfo): TensorData {
  if (t.dtype === 'int8') return new Int8Array(buf.buffer.slice(buf.byteOffset + offset, buf.byteOffset + offset + t.size));
  const dv = new DataView(buf.buffer, buf.byteOffset + offset, t.size * 4);
  return Float32Array.from({ length: t.size }, (_, k) => dv.getFloat32(4 * k, true));
}

function put(out: Uint8Array, offset: number, data: TensorData): number {
  if (data instanceof Int8Array) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.length), offset);
    return data.length;
  }
  const dv = new DataView(out.buffer, out.byteOffset + offset, data.length * 4);
  data.forEach((v, k) => dv.setFloat32(4 * k, v, true));
  return data.length * 4;
}

function parseBackend(v: string | undefined): Int8Backend {
  if (v === undefined) return nativeInt8Available() ? 'native' : 'reference';
  if (v !== 'native' && v !== 'reference') throw new MlforgeError('BAD_INPUT', `--backend: expected native or reference, got "${v}"`);
  return v;
}

export function registerInfer(program: Command): void {
  program
    .command('infer')
    .description('run an int8 model in-process on raw input rows and write the raw output rows (compare with any other runtime)')
    .argument('<model>', 'int8 model folder or an int8 .tflite file')
    .requiredOption('--inputs <file>', 'raw rows: per sample the input tensor(s), int8, row-major, no header')
    .requiredOption('--outputs <file>', 'where to write the output rows (same layout)')
    .option('--backend <kernels>', 'native (the C kernels, default when built) or reference (TypeScript)')
    .option('--json', 'print one JSON object on stdout')
    .action((modelArg: string, o) => {
      const inFile = path.resolve(o.inputs);
      if (!existsSync(inFile) || statSync(inFile).isDirectory()) throw new MlforgeError('NOT_FOUND', `--inputs: ${inFile} is not a file`);
      const model = loadModelArg(modelArg);
      const backend = parseBackend(o.backend);
      const interp = createInterpreter(model, { backend });
      const inRow = rowBytes(interp.inputs, 'input');
      const outRow = rowBytes(interp.outputs, 'output');
      const data = readFileSync(inFile);
      const desc = interp.inputs.map((t) => `${t.dtype} [${t.shape.join(',')}]`).join(' + ');
      if (data.length === 0) throw new MlforgeError('BAD_INPUT', `--inputs: ${inFile} is empty; expected rows of ${inRow} bytes (${desc})`);
      if (data.length % inRow !== 0) {
        throw new MlforgeError('BAD_INPUT',
          `--inputs: ${inFile} has ${data.length} bytes, not a whole number of ${inRow}-byte rows (${desc})`,
          'write one row per sample: the input tensor values, row-major, one byte per int8 value');
      }
      const rows = data.length / inRow;
      const out = new Uint8Array(rows * outRow);
      const t0 = performance.now();
      for (let r = 0; r < rows; r++) {
        let off = r * inRow;
        const inputs = interp.inputs.map((t) => {
          const x = slice(data, off, t);
          off += t.size * bytesPerValue(t, 'input');
          return x;
        });
        let w = r * outRow;
        for (const y of interp.invoke(inputs)) w += put(out, w, y);
      }
      const ms = performance.now() - t0;
      const outFile = path.resolve(o.outputs);
      mkdirSync(path.dirname(outFile), { recursive: true });
      writeFileSync(outFile, out);
      const summary = {
        outputs: outFile, rows, inputRowBytes: inRow, outputRowBytes: outRow, backend, msPerRow: rows ? ms / rows : 0,
        inputs: interp.inputs.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape })),
        outputShapes: interp.outputs.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape })),
      };
      if (o.json) printJson(summary);
      else console.log(`${rows} row(s) of ${inRow} bytes → ${outFile} (${rows} × ${outRow} bytes, ${backend} kernels, ${summary.msPerRow.toFixed(3)} ms/row)`);
    });
}
