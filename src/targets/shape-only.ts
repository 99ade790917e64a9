/** A float model's int8 graph before training: what the cost model prices for a candidate. */
import type { Int8Model } from '../ir/int8.js';
import type { ResolvedModel } from '../ir/shapes.js';
import { foldBatchNorm } from '../quant/fold.js';
import { lowerToInt8 } from '../quant/lower.js';
import { planQuantization } from '../quant/plan.js';

/**
 * An int8 graph with the shapes, operators and weight sizes of a float model
 * and synthetic values (unit ranges, a fixed weight pattern): enough for the
 * memory plan, flash and latency of a candidate that has not been trained.
 */
export function shapeOnlyInt8(resolved: ResolvedModel): Int8Model {
  const weights = new Map<string, Float32Array>();
  const pattern = (n: number): Float32Array => {
    const w = new Float32Array(n); // a plain loop: Float32Array.from({ length }) stalls the GC on large layers
    for (let i = 0; i < n; i++) w[i] = 0.01 + ((i * 7919) % 97) / 970;
    return w;
  };
  const fill = (n: number, v: number): Float32Array => new Float32Array(n).fill(v);
  for (const r of resolved.layers) {
    const l = r.layer;
    const cin = r.inShapes[0]![r.inShapes[0]!.length - 1]!;
    const cout = r.outShape[r.outShape.length - 1]!;
    const kernel = l.type === 'conv2d' ? (Array.isArray(l.kernel) ? l.kernel[0]! * l.kernel[1]! : l.kernel * l.kernel) * cin * cout
      : l.type === 'conv1d' ? l.kernel * cin * cout
      : l.type === 'depthwise_conv2d' ? (Array.isArray(l.kernel) ? l.kernel[0]! * l.kernel[1]! : l.kernel * l.kernel) * cout
      : l.type === 'dense' ? cin * cout : 0;
    if (kernel > 0) {
      weights.set(`${l.name}/kernel`, pattern(kernel));
      if ('useBias' in l && l.useBias) weights.set(`${l.name}/bias`, fill(cout, 0));
    } else if (l.type === 'batch_norm') {
      for (const [s, v] of [['gamma', 1], ['beta', 0], ['moving_mean', 0], ['moving_variance', 1]] as const) weights.set(`${l.name}/${s}`, fill(cout, v));
    }
  }
  const folded = foldBatchNorm({ resolved, weights });
  const plan = planQuantization(folded.resolved);
  const ranges = new Map(plan.observed.map((v) => [v, { min: -1, max: 1 }]));
  return lowerToInt8(folded, plan, ranges, { labels: resolved.model.labels });
}
