/**
 * Accuracy of an int8 model over a dataset, measured with the int8 interpreter
 * (by default its native backend: the C kernels that ship in every export).
 * Samples must be normalized as for the float model; each is quantized with the
 * input tensor's scale and zero point, run, and scored: the argmax of the
 * output (classification, when the graph ends in softmax) or the mean squared
 * error of the dequantized output against the input (autoencoder).
 */
import { MlforgeError } from '../errors.js';
import { sampleSize, type Dataset } from '../data/dataset.js';
import { createInterpreter, type Int8Backend } from '../engine/int8/index.js';
import type { Int8Model } from '../ir/int8.js';
import { dequantizeTensor, quantizeTensor, type ActQuant } from './qparams.js';

export interface Int8Evaluation {
  /** Classification only. */
  readonly accuracy?: number;
  /** Mean reconstruction MSE (autoencoder) — undefined for classification. */
  readonly mse?: number;
  /** Predicted class (classification) or per-sample MSE. */
  readonly perSample: Float32Array;
  readonly backend: Int8Backend;
}

const quantOf = (info: { scale?: number; zeroPoint?: number; name: string }): ActQuant => {
  if (info.scale === undefined || info.zeroPoint === undefined) {
    throw new MlforgeError('UNSUPPORTED', `int8 evaluation expects quantized graph inputs and outputs; "${info.name}" has no quantization`);
  }
  return { scale: info.scale, zeroPoint: info.zeroPoint };
};

export function evaluateInt8(model: Int8Model, d: Dataset, opts: { backend?: Int8Backend } = {}): Int8Evaluation {
  const interp = createInterpreter(model, { backend: opts.backend ?? 'native' });
  const [inInfo] = interp.inputs;
  const [outInfo] = interp.outputs;
  if (interp.inputs.length !== 1 || interp.outputs.length !== 1 || !inInfo || !outInfo) {
    throw new MlforgeError('UNSUPPORTED', `int8 evaluation expects one input and one output, model "${model.meta.name}" has ${interp.inputs.length} and ${interp.outputs.length}`);
  }
  const f = sampleSize(d);
  if (inInfo.size !== f) {
    throw new MlforgeError('BAD_SHAPE', `model "${model.meta.name}" takes ${inInfo.size} values per sample, dataset ${d.name} has [${d.shape}]`);
  }
  const inQ = quantOf(inInfo);
  const outQ = quantOf(outInfo);
  const classification = model.ops.at(-1)?.options.kind === 'softmax';
  const N = d.y.length;
  const perSample = new Float32Array(N);
  const xq = new Int8Array(f);
  const y = new Float32Array(outInfo.size);
  const xd = new Float32Array(f);
  let correct = 0, se = 0;
  for (let i = 0; i < N; i++) {
    const x = d.x.subarray(i * f, (i + 1) * f);
    quantizeTensor(x, inQ, xq);
    const out = interp.invoke([xq])[0] as Int8Array;
    if (classification) {
      let arg = 0;
      for (let j = 1; j < out.length; j++) if (out[j]! > out[arg]!) arg = j;
      perSample[i] = arg;
      if (arg === d.y[i]) correct++;
    } else {
      // Against the input the model saw (dequantized int8), as the device scores it.
      dequantizeTensor(out, outQ, y);
      dequantizeTensor(xq, inQ, xd);
      let s = 0;
      for (let j = 0; j < y.length; j++) s += (y[j]! - xd[j]!) ** 2;
      perSample[i] = s / y.length;
      se += perSample[i]!;
    }
  }
  return classification
    ? { accuracy: correct / N, perSample, backend: interp.backend }
    : { mse: se / N, perSample, backend: interp.backend };
}
