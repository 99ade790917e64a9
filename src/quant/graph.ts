/**
 * A float model detached from any executor: the resolved graph plus its
 * parameters and state by name (`${layer}/kernel|bias|gamma|beta|moving_mean|
 * moving_variance`, in the engine's float layouts). The quantizer transforms
 * this (folding) and builds networks from it (calibration, QAT).
 */
import { MlforgeError } from '../errors.js';
import { Network } from '../engine/network.js';
import type { TrainKernels } from '../engine/kernels/types.js';
import type { ResolvedModel } from '../ir/shapes.js';

export interface FloatGraph {
  readonly resolved: ResolvedModel;
  readonly weights: ReadonlyMap<string, Float32Array>;
}

/** A copy of a network's graph, parameters and state. */
export function graphOf(net: Network): FloatGraph {
  const weights = new Map<string, Float32Array>();
  for (const t of [...net.params, ...net.state]) weights.set(t.name, t.data.slice());
  return { resolved: net.model, weights };
}

/** Copies the graph's tensors into a network built for it; every parameter must be present. */
export function loadInto(net: Network, g: FloatGraph): void {
  for (const t of [...net.params, ...net.state]) {
    const w = g.weights.get(t.name);
    if (!w || w.length !== t.data.length) {
      throw new MlforgeError('INTERNAL', `model "${g.resolved.model.name}": expected ${t.data.length} values for "${t.name}", got ${w ? w.length : 'none'}`);
    }
    t.data.set(w);
  }
}

/** A network (fixed maximum batch) running the graph with its weights. */
export function networkFor(g: FloatGraph, kernels: TrainKernels, batch: number, seed = 0): Network {
  const net = new Network(g.resolved, kernels, batch, seed);
  loadInto(net, g);
  return net;
}
