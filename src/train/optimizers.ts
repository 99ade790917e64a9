/** Optimizers over a network's parameters; state buffers live here, the math in the kernels. */
import { z } from 'zod';
import type { Param } from '../engine/network.js';
import type { TrainKernels } from '../engine/kernels/types.js';

export const OptimizerConfig = z.object({
  kind: z.enum(['sgd', 'adam', 'adamw']).default('adam'),
  momentum: z.number().min(0).max(1).default(0.9),
  nesterov: z.boolean().default(true),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.999),
  eps: z.number().positive().default(1e-7),
  weightDecay: z.number().min(0).default(0),
}).strict();
export type OptimizerConfig = z.infer<typeof OptimizerConfig>;

export class Optimizer {
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private t = 0;

  constructor(private readonly params: readonly Param[], private readonly cfg: OptimizerConfig, private readonly k: TrainKernels) {
    this.m = params.map((p) => new Float32Array(p.data.length));
    this.v = cfg.kind === 'sgd' ? [] : params.map((p) => new Float32Array(p.data.length));
  }

  step(lr: number): void {
    const c = this.cfg;
    this.t++;
    this.params.forEach((p, i) => {
      const wd = p.decay ? c.weightDecay : 0;
      if (c.kind === 'sgd') this.k.sgdStep(p.data, p.grad, this.m[i]!, lr, c.momentum, wd, c.nesterov);
      else this.k.adamStep(p.data, p.grad, this.m[i]!, this.v[i]!, lr, c.beta1, c.beta2, c.eps, wd, this.t, c.kind === 'adamw');
    });
  }

  /** Scales all gradients so their global L2 norm is at most maxNorm; returns the norm before clipping. */
  clipGradients(maxNorm: number): number {
    let sq = 0;
    for (const p of this.params) sq += this.k.sumSquares(p.grad);
    const norm = Math.sqrt(sq);
    if (norm > maxNorm) for (const p of this.params) this.k.scale(p.grad, maxNorm / norm);
    return norm;
  }
}
