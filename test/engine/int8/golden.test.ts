/**
 * The MLPerf Tiny reference models (KWS DS-CNN, IC ResNet-8) against golden
 * outputs computed by TensorFlow Lite Micro (reference kernels, double rounding;
 * see ../shared/models/mlperf-tiny/golden/README.md): 48 inputs per model, every
 * output byte must match, with the native kernels (host build and the emulated
 * Cortex-M DSP paths) and with the TypeScript reference.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createInterpreter, type Int8Interpreter, type InterpreterOptions } from '../../../src/engine/int8/index.js';
import { readTflite } from '../../../src/formats/tflite/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dir = path.resolve(repoRoot, '../shared/models/mlperf-tiny');
const ROWS = 48; // row k is of kind k mod 3 (uniform, near the zero point, smooth)

const MODELS = [
  { file: 'kws_ref_model.tflite', stem: 'kws_ref_model', inBytes: 490, outBytes: 12 },
  { file: 'pretrainedResnet_quant.tflite', stem: 'pretrainedResnet_quant', inBytes: 3072, outBytes: 10 },
];

const BACKENDS: [string, InterpreterOptions][] = [
  ['native', { backend: 'native' }],
  ['native, emulated DSP paths', { backend: 'native', nativeVariant: 'emulated-dsp' }],
  ['reference', { backend: 'reference' }],
];

// Let the worker's event loop run between the long synchronous chunks (vitest RPC).
afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));

const bytes = (file: string): Int8Array => {
  const b = readFileSync(path.join(dir, file));
  return new Int8Array(b.buffer, b.byteOffset, b.byteLength);
};

describe.each(MODELS)('golden: $file', ({ file, stem, inBytes, outBytes }) => {
  // A plain Uint8Array copy: with a Node Buffer, the reader's constant data came back as views
  // of the whole file (Buffer#slice shares memory), reported to the reader's owner.
  const model = readTflite(new Uint8Array(readFileSync(path.join(dir, file))), file);
  const inputs = bytes(`golden/${stem}.inputs.bin`);
  const outputs = bytes(`golden/${stem}.outputs.bin`);

  it('has the documented golden layout', () => {
    expect(inputs.length).toBe(ROWS * inBytes);
    expect(outputs.length).toBe(ROWS * outBytes);
  });

  // Rows in chunks of 12 (each chunk mixes all three input kinds), so no single test blocks
  // the worker for long; one interpreter per backend.
  const interpreters = new Map<string, Int8Interpreter>();
  const cases = BACKENDS.flatMap(([name, options]) => [0, 12, 24, 36].map((from) => ({ name, options, from, to: from + 11 })));
  it.each(cases)('$name reproduces every output byte of golden rows $from to $to', ({ name, options, from, to }) => {
    let interp = interpreters.get(name);
    if (!interp) {
      interp = createInterpreter(model, options);
      interpreters.set(name, interp);
    }
    expect(interp.inputs.map((t) => t.size)).toEqual([inBytes]);
    const mismatches: string[] = [];
    for (let row = from; row <= to; row++) {
      const [y] = interp.invoke([inputs.slice(row * inBytes, (row + 1) * inBytes)]);
      const want = outputs.subarray(row * outBytes, (row + 1) * outBytes);
      if (!want.every((v, i) => v === y[i])) mismatches.push(`row ${row}: got [${Array.from(y).join(', ')}], expected [${Array.from(want).join(', ')}]`);
    }
    expect(mismatches).toEqual([]);
  });
});
