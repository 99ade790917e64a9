/**
 * Batch-norm folding: a batch_norm that directly follows a conv2d, conv1d,
 * depthwise_conv2d or dense (and is that layer's only reader) is merged into it,
 * using the running statistics (inference mode):
 *
 *   k[c] = gamma[c] / sqrt(moving_variance[c] + eps)
 *   w'[..., c] = w[..., c] · k[c]          (output channel = last axis in every float layout)
 *   b'[c] = (b[c] - moving_mean[c]) · k[c] + beta[c]   (b = 0 without a bias)
 *
 * The producer keeps its name and gains a bias; readers of the BN read the
 * producer instead. Any other batch norm is an UNSUPPORTED error naming it.
 *
 * Not here: folding into a following layer, or keeping a standalone BN as an op.
 */
import { MlforgeError } from '../errors.js';
import type { Layer, Model } from '../ir/schema.js';
import { MODEL_INPUT, resolveModel } from '../ir/shapes.js';
import type { FloatGraph } from './graph.js';

const FOLDS_INTO = new Set<Layer['type']>(['conv2d', 'conv1d', 'depthwise_conv2d', 'dense']);

export interface FoldedGraph extends FloatGraph {
  /** BN name → the layer it was folded into. */
  readonly folded: ReadonlyMap<string, string>;
}

function need(g: FloatGraph, name: string): Float32Array {
  const w = g.weights.get(name);
  if (!w) throw new MlforgeError('BAD_FILE', `model "${g.resolved.model.name}": missing tensor "${name}"`, 'the weights do not belong to this model; retrain it');
  return w;
}

/** Folds every batch norm into the layer before it; a graph without BN comes back unchanged (copied). */
export function foldBatchNorm(g: FloatGraph): FoldedGraph {
  const { layers, consumers } = g.resolved;
  const weights = new Map(g.weights);
  const rename = new Map<string, string>();
  const gainsBias = new Set<string>();
  for (const r of layers) {
    const bn = r.layer;
    if (bn.type !== 'batch_norm') continue;
    const src = r.inputs[0]!;
    const prev = src === MODEL_INPUT ? undefined : layers[src]!.layer;
    if (!prev || !FOLDS_INTO.has(prev.type)) {
      throw new MlforgeError('UNSUPPORTED',
        `batch norm "${bn.name}" follows ${prev ? `${prev.type} "${prev.name}"` : 'the model input'}; the quantizer folds batch norm only into a directly preceding conv2d, conv1d, depthwise_conv2d or dense`,
        `move "${bn.name}" right after a convolution or dense layer, or remove it`);
    }
    if (consumers[src]!.length !== 1) {
      const others = consumers[src]!.filter((c) => c !== r.index).map((c) => `"${layers[c]!.layer.name}"`);
      throw new MlforgeError('UNSUPPORTED',
        `batch norm "${bn.name}" cannot be folded into "${prev.name}": ${others.join(', ')} also read${others.length === 1 ? 's' : ''} "${prev.name}" before normalization`,
        `let only "${bn.name}" read "${prev.name}"`);
    }
    const gamma = need(g, `${bn.name}/gamma`), beta = need(g, `${bn.name}/beta`);
    const mean = need(g, `${bn.name}/moving_mean`), variance = need(g, `${bn.name}/moving_variance`);
    const c = gamma.length;
    const k = Float64Array.from(gamma, (gm, i) => gm / Math.sqrt(variance[i]! + bn.epsilon));
    const kernel = need(g, `${prev.name}/kernel`);
    const w = new Float32Array(kernel.length);
    for (let i = 0; i < w.length; i++) w[i] = kernel[i]! * k[i % c]!;
    const b0 = weights.get(`${prev.name}/bias`);
    const b = Float32Array.from(k, (ki, i) => ((b0?.[i] ?? 0) - mean[i]!) * ki + beta[i]!);
    weights.set(`${prev.name}/kernel`, w);
    weights.set(`${prev.name}/bias`, b);
    for (const s of ['gamma', 'beta', 'moving_mean', 'moving_variance']) weights.delete(`${bn.name}/${s}`);
    rename.set(bn.name, prev.name);
    gainsBias.add(prev.name);
  }
  if (rename.size === 0) return { resolved: g.resolved, weights, folded: rename };

  // Rebuild the layer list with explicit reader → producer names, then drop defaults again.
  const kept: Layer[] = [];
  layers.forEach((r, i) => {
    if (r.layer.type === 'batch_norm') return;
    const names = (r.layer.inputs ?? [i === 0 ? 'input' : layers[i - 1]!.layer.name]).map((n) => rename.get(n) ?? n);
    const { inputs: _drop, ...rest } = r.layer;
    const fallback = kept.length === 0 ? 'input' : kept[kept.length - 1]!.name;
    const explicit = names.length !== 1 || names[0] !== fallback;
    const layer = { ...rest, ...(explicit ? { inputs: names } : {}), ...(gainsBias.has(rest.name) ? { useBias: true } : {}) } as Layer;
    kept.push(layer);
  });
  const model: Model = { ...g.resolved.model, layers: kept };
  return { resolved: resolveModel(model, `${model.name} (batch norm folded)`), weights, folded: rename };
}
