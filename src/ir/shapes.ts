/**
 * Shape inference over a float Model: resolves each layer's inputs to earlier
 * layers and computes per-sample output shapes. Errors name the layer and the
 * shapes that do not connect.
 */
import { MlforgeError } from '../errors.js';
import { Model, type Layer, pairOf } from './schema.js';

export const MODEL_INPUT = -1;

export interface ResolvedLayer {
  readonly index: number;
  readonly layer: Layer;
  /** Indices of producing layers; MODEL_INPUT for the model input. */
  readonly inputs: readonly number[];
  readonly inShapes: readonly (readonly number[])[];
  readonly outShape: readonly number[];
}

export interface ResolvedModel {
  readonly model: Model;
  readonly inputShape: readonly number[];
  readonly layers: readonly ResolvedLayer[];
  readonly outShape: readonly number[];
  /** For each layer, the indices of the layers that read it (the model output has none). */
  readonly consumers: readonly (readonly number[])[];
}

const fmt = (s: readonly number[]) => `[${s.join(', ')}]`;
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Output length along one axis for a window op with TensorFlow's padding rules. */
export function windowOut(inSize: number, k: number, stride: number, padding: 'same' | 'valid'): number {
  return padding === 'same' ? Math.ceil(inSize / stride) : Math.floor((inSize - k) / stride) + 1;
}

/** TensorFlow's 'same' padding: total pad split with the extra on the bottom/right. */
export function padBefore(inSize: number, k: number, stride: number, padding: 'same' | 'valid'): number {
  if (padding === 'valid') return 0;
  const out = Math.ceil(inSize / stride);
  return Math.floor(Math.max((out - 1) * stride + k - inSize, 0) / 2);
}

function fail(l: Layer, msg: string): never {
  throw new MlforgeError('BAD_SHAPE', `layer "${l.name}" (${l.type}): ${msg}`, 'fix the model JSON so consecutive shapes connect');
}

function inferOne(l: Layer, ins: readonly (readonly number[])[]): number[] {
  const x = ins[0]!;
  const need = (rank: number) => {
    if (x.length !== rank) fail(l, `expects a rank-${rank} input, got ${fmt(x)}`);
  };
  const window = (kh: number, kw: number, sh: number, sw: number, padding: 'same' | 'valid') => {
    const oh = windowOut(x[0]!, kh, sh, padding);
    const ow = windowOut(x[1]!, kw, sw, padding);
    if (oh < 1 || ow < 1) fail(l, `window ${kh}x${kw} does not fit input ${fmt(x)} with '${padding}' padding`);
    return [oh, ow];
  };
  switch (l.type) {
    case 'conv2d': {
      need(3);
      const [kh, kw] = pairOf(l.kernel); const [sh, sw] = pairOf(l.stride);
      return [...window(kh, kw, sh, sw, l.padding), l.filters];
    }
    case 'depthwise_conv2d': {
      need(3);
      const [kh, kw] = pairOf(l.kernel); const [sh, sw] = pairOf(l.stride);
      return [...window(kh, kw, sh, sw, l.padding), x[2]! * l.depthMultiplier];
    }
    case 'conv1d': {
      need(2);
      const o = windowOut(x[0]!, l.kernel, l.stride, l.padding);
      if (o < 1) fail(l, `kernel ${l.kernel} does not fit input ${fmt(x)}`);
      return [o, l.filters];
    }
    case 'avg_pool': case 'max_pool': {
      need(3);
      const [kh, kw] = pairOf(l.pool); const [sh, sw] = pairOf(l.stride ?? l.pool);
      return [...window(kh, kw, sh, sw, l.padding), x[2]!];
    }
    case 'dense':
      if (x.length !== 1) fail(l, `expects a vector input ([F]); got ${fmt(x)} — add a flatten or global_avg_pool before it`);
      return [l.units];
    case 'global_avg_pool':
      need(3);
      return [x[2]!];
    case 'flatten':
      return [size(x)];
    case 'reshape':
      if (size(l.shape) !== size(x)) fail(l, `cannot reshape ${fmt(x)} (${size(x)} values) to ${fmt(l.shape)} (${size(l.shape)} values)`);
      return [...l.shape];
    case 'add': {
      const y = ins[1]!;
      if (x.length !== y.length || x.some((d, i) => d !== y[i])) fail(l, `adds ${fmt(x)} and ${fmt(y)}, which differ`);
      return [...x];
    }
    case 'softmax':
      if (x.length !== 1) fail(l, `expects a vector input ([K]); got ${fmt(x)}`);
      return [...x];
    case 'batch_norm': case 'relu': case 'relu6': case 'dropout':
      return [...x];
  }
}

/** Validates (zod) and resolves a model; throws MlforgeError on the first problem. */
export function resolveModel(input: unknown, file = 'model'): ResolvedModel {
  const parsed = Model.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.join('.');
    throw new MlforgeError('BAD_INPUT', `${file}: ${where || '(root)'}: ${issue.message}`, 'see `mlforge presets --json` for valid models');
  }
  const model = parsed.data;
  const byName = new Map<string, number>();
  const layers: ResolvedLayer[] = [];
  model.layers.forEach((layer, index) => {
    if (layer.name === 'input' || byName.has(layer.name)) fail(layer, `duplicate or reserved name "${layer.name}"`);
    const names = layer.inputs ?? [index === 0 ? 'input' : model.layers[index - 1]!.name];
    if (layer.type !== 'add' && names.length !== 1) fail(layer, `takes one input, got ${names.length}`);
    const inputs = names.map((n) => {
      if (n === 'input') return MODEL_INPUT;
      const i = byName.get(n);
      if (i === undefined) fail(layer, `input "${n}" is not an earlier layer`);
      return i;
    });
    const inShapes = inputs.map((i) => (i === MODEL_INPUT ? model.input.shape : layers[i]!.outShape));
    layers.push({ index, layer, inputs, inShapes, outShape: inferOne(layer, inShapes) });
    byName.set(layer.name, index);
  });
  const consumers: number[][] = layers.map(() => []);
  for (const l of layers) for (const i of l.inputs) if (i !== MODEL_INPUT) consumers[i]!.push(l.index);
  const last = layers.length - 1;
  consumers.forEach((c, i) => {
    if (c.length === 0 && i !== last) fail(layers[i]!.layer, 'its output is never used (only the last layer may be the output)');
  });
  return { model, inputShape: model.input.shape, layers, outShape: layers[last]!.outShape, consumers };
}

export const shapeSize = size;
