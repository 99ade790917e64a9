/**
 * Optimizer reference kernels, one parameter tensor at a time: Adam/AdamW, SGD
 * with (Nesterov) momentum, and the vector helpers gradient clipping and
 * accumulation need. p, g, m, v, x, y: same length. g is never modified.
 */
import type { Buf } from './reference.js';

/**
 * Adam with bias correction, t the 1-based step:
 *   g' = g + wd·p (Adam, decoupled=false) or g (AdamW, decoupled=true)
 *   m = β1·m + (1-β1)·g';  v = β2·v + (1-β2)·g'²
 *   mhat = m/(1-β1^t);  vhat = v/(1-β2^t)
 *   p -= lr·mhat/(sqrt(vhat)+eps)  and, for AdamW, p -= lr·wd·p (with p before the step)
 */
export function adamStep(
  p: Buf, g: Buf, m: Buf, v: Buf, lr: number, beta1: number, beta2: number, eps: number,
  wd: number, t: number, decoupled: boolean,
): void {
  const c1 = 1 - Math.pow(beta1, t);
  const c2 = 1 - Math.pow(beta2, t);
  for (let i = 0; i < p.length; i++) {
    const grad = decoupled ? g[i] : g[i] + wd * p[i];
    m[i] = beta1 * m[i] + (1 - beta1) * grad;
    v[i] = beta2 * v[i] + (1 - beta2) * grad * grad;
    const mhat = m[i] / c1;
    const vhat = v[i] / c2;
    const decay = decoupled ? lr * wd * p[i] : 0;
    p[i] = p[i] - lr * mhat / (Math.sqrt(vhat) + eps) - decay;
  }
}

/**
 * SGD with momentum μ and L2 weight decay:
 *   v = μ·v + g + wd·p
 *   Nesterov: p -= lr·(g + wd·p + μ·v)   else: p -= lr·v
 */
export function sgdStep(p: Buf, g: Buf, v: Buf, lr: number, momentum: number, wd: number, nesterov: boolean): void {
  for (let i = 0; i < p.length; i++) {
    const grad = g[i] + wd * p[i];
    v[i] = momentum * v[i] + grad;
    p[i] -= nesterov ? lr * (grad + momentum * v[i]) : lr * v[i];
  }
}

/** Σ x², accumulated in float64. */
export function sumSquares(x: Buf): number {
  let acc = 0;
  for (let i = 0; i < x.length; i++) acc += x[i] * x[i];
  return acc;
}

/** x *= a. */
export function scale(x: Buf, a: number): void {
  for (let i = 0; i < x.length; i++) x[i] *= a;
}

/** y += x. */
export function accumulate(x: Buf, y: Buf): void {
  for (let i = 0; i < y.length; i++) y[i] += x[i];
}
