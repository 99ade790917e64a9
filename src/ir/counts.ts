/**
 * Parameter and MAC counts of a resolved float model.
 *
 * - `params`: trainable parameters as a framework counts them (weights, biases,
 *   batch-norm γ and β; running statistics excluded).
 * - `paramsFolded`: what ships after batch norm is folded into the preceding
 *   conv/depthwise/dense (a BN after such a layer adds at most that layer's
 *   bias; a BN elsewhere stays as a per-channel scale and shift).
 * - `macs`: multiply-accumulates of conv/depthwise/dense per sample.
 */
import type { ResolvedLayer, ResolvedModel } from './shapes.js';
import { MODEL_INPUT, shapeSize } from './shapes.js';
import { pairOf } from './schema.js';

export interface LayerCounts {
  readonly name: string;
  readonly type: string;
  readonly outShape: readonly number[];
  readonly params: number;
  readonly paramsFolded: number;
  readonly macs: number;
}

export interface ModelCounts {
  readonly params: number;
  readonly paramsFolded: number;
  readonly macs: number;
  readonly layers: readonly LayerCounts[];
}

const LINEAR = new Set(['conv2d', 'depthwise_conv2d', 'conv1d', 'dense']);

function weightCount(r: ResolvedLayer): { w: number; b: number; macs: number } {
  const l = r.layer;
  const x = r.inShapes[0]!;
  const out = shapeSize(r.outShape);
  switch (l.type) {
    case 'conv2d': {
      const [kh, kw] = pairOf(l.kernel);
      const k = kh * kw * x[2]!;
      return { w: k * l.filters, b: l.useBias ? l.filters : 0, macs: out * k };
    }
    case 'depthwise_conv2d': {
      const [kh, kw] = pairOf(l.kernel);
      const c = x[2]! * l.depthMultiplier;
      return { w: kh * kw * c, b: l.useBias ? c : 0, macs: out * kh * kw };
    }
    case 'conv1d': {
      const k = l.kernel * x[1]!;
      return { w: k * l.filters, b: l.useBias ? l.filters : 0, macs: out * k };
    }
    case 'dense':
      return { w: x[0]! * l.units, b: l.useBias ? l.units : 0, macs: x[0]! * l.units };
    default:
      return { w: 0, b: 0, macs: 0 };
  }
}

export function countModel(m: ResolvedModel): ModelCounts {
  const layers = m.layers.map((r): LayerCounts => {
    const { w, b, macs } = weightCount(r);
    let params = w + b;
    let paramsFolded = w + b;
    if (r.layer.type === 'batch_norm') {
      const c = r.outShape[r.outShape.length - 1]!;
      params = 2 * c;
      const src = r.inputs[0]!;
      const prev = src === MODEL_INPUT ? undefined : m.layers[src]!;
      const foldable = prev && LINEAR.has(prev.layer.type) && m.consumers[src]!.length === 1;
      // Folding adds a bias to a bias-less producer; otherwise the BN vanishes entirely.
      paramsFolded = foldable ? (weightCount(prev).b === 0 ? c : 0) : 2 * c;
    }
    return { name: r.layer.name, type: r.layer.type, outShape: r.outShape, params, paramsFolded, macs };
  });
  const sum = (k: 'params' | 'paramsFolded' | 'macs') => layers.reduce((a, l) => a + l[k], 0);
  return { params: sum('params'), paramsFolded: sum('paramsFolded'), macs: sum('macs'), layers };
}
