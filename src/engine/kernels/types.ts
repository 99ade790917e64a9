/**
 * The float32 training-kernel interface. Two implementations: the plain
 * TypeScript reference twins in this folder (the specification) and the native
 * C++ kernels (`native/train`). Tests pin one to the other.
 *
 * Conventions:
 * - Layout NHWC, batch first. Buffers are preallocated by the caller; kernels
 *   never allocate and never check shapes (the executor validated them).
 * - Backward kernels OVERWRITE their outputs (dx, dw, db), never accumulate.
 *   `dx` may be null when the input gradient is not needed (first layer).
 * - Padding is explicit: padTop/padLeft (bottom/right follow from out sizes).
 */
export type F32 = Float32Array;

/** conv2d: x (N,H,W,Cin), w (KH,KW,Cin,Cout), b (Cout), y (N,OH,OW,Cout). */
export interface ConvShape {
  n: number; h: number; w: number; cin: number;
  kh: number; kw: number; cout: number;
  strideH: number; strideW: number;
  padTop: number; padLeft: number;
  outH: number; outW: number;
}

/** depthwise: x (N,H,W,C), w (KH,KW,C*M), y (N,OH,OW,C*M); output channel c*M+m reads input channel c. */
export interface DepthwiseShape {
  n: number; h: number; w: number; c: number; multiplier: number;
  kh: number; kw: number;
  strideH: number; strideW: number;
  padTop: number; padLeft: number;
  outH: number; outW: number;
}

/** dense: x (N,In), w (In,Out), b (Out), y (N,Out). */
export interface DenseShape { n: number; inF: number; outF: number; }

/** pools: x (N,H,W,C), y (N,OH,OW,C). Average pools divide by the count of in-bounds taps. */
export interface PoolShape {
  n: number; h: number; w: number; c: number;
  kh: number; kw: number;
  strideH: number; strideW: number;
  padTop: number; padLeft: number;
  outH: number; outW: number;
}

/** batch norm over the last axis: x viewed as (rows, C), rows = N*H*W. */
export interface BatchNormShape { rows: number; c: number; eps: number; }

export interface TrainKernels {
  readonly name: 'reference' | 'native';

  conv2dForward(s: ConvShape, x: F32, w: F32, b: F32 | null, y: F32): void;
  conv2dBackward(s: ConvShape, x: F32, w: F32, dy: F32, dx: F32 | null, dw: F32, db: F32 | null): void;

  depthwiseForward(s: DepthwiseShape, x: F32, w: F32, b: F32 | null, y: F32): void;
  depthwiseBackward(s: DepthwiseShape, x: F32, w: F32, dy: F32, dx: F32 | null, dw: F32, db: F32 | null): void;

  denseForward(s: DenseShape, x: F32, w: F32, b: F32 | null, y: F32): void;
  denseBackward(s: DenseShape, x: F32, w: F32, dy: F32, dx: F32 | null, dw: F32, db: F32 | null): void;

  /**
   * Training mode: normalizes with batch statistics, writes mean and 1/sqrt(var+eps)
   * (biased variance) to saveMean/saveInvStd, and updates running stats:
   * run = momentum*run + (1-momentum)*batch (running variance uses the unbiased estimate).
   */
  batchNormTrain(s: BatchNormShape, x: F32, gamma: F32, beta: F32, y: F32,
    saveMean: F32, saveInvStd: F32, runMean: F32, runVar: F32, momentum: number): void;
  batchNormInfer(s: BatchNormShape, x: F32, gamma: F32, beta: F32, runMean: F32, runVar: F32, y: F32): void;
  batchNormBackward(s: BatchNormShape, x: F32, gamma: F32, dy: F32, saveMean: F32, saveInvStd: F32,
    dx: F32, dgamma: F32, dbeta: F32): void;

  /** y = min(max(x, 0), cap); cap = Infinity for relu, 6 for relu6. May run in place (y === x). */
  reluForward(x: F32, y: F32, cap: number): void;
  /** dx = dy where 0 < y < cap (y is the forward output), else 0. May run in place (dx === dy). */
  reluBackward(y: F32, dy: F32, dx: F32, cap: number): void;

  /** y = a + b (same length). */
  addForward(a: F32, b: F32, y: F32): void;

  avgPoolForward(s: PoolShape, x: F32, y: F32): void;
  avgPoolBackward(s: PoolShape, dy: F32, dx: F32): void;
  maxPoolForward(s: PoolShape, x: F32, y: F32): void;
  /** Gradient goes to the first maximal tap in scan order (kh outer, kw inner). */
  maxPoolBackward(s: PoolShape, x: F32, dy: F32, dx: F32): void;

  /** x (N, HW, C) → y (N, C) mean over HW. */
  globalAvgPoolForward(n: number, hw: number, c: number, x: F32, y: F32): void;
  globalAvgPoolBackward(n: number, hw: number, c: number, dy: F32, dx: F32): void;

  /**
   * y = x * mask, mask[i] = keep ? 1/(1-rate) : 0, keep = u_i >= rate, with u_i from a
   * counter hash so TS and native agree exactly (all arithmetic mod 2^32):
   *   h = seed + i*0x9E3779B9; h ^= h>>>16; h *= 0x85EBCA6B; h ^= h>>>13; h *= 0xC2B2AE35; h ^= h>>>16;
   *   u_i = h / 2^32.
   */
  dropoutForward(x: F32, y: F32, mask: F32, rate: number, seed: number): void;
  /** dx = dy * mask. */
  dropoutBackward(dy: F32, mask: F32, dx: F32): void;

  /**
   * Softmax cross-entropy on logits (N, K) with integer labels and label
   * smoothing ε (target = (1-ε)·onehot + ε/K). Writes probabilities, and
   * dlogits = (p - target)/N. Returns the mean loss.
   */
  softmaxCrossEntropy(n: number, k: number, logits: F32, labels: Int32Array, smoothing: number,
    probs: F32, dlogits: F32): number;
  /** Mean squared error over all N*F elements; dpred = 2(pred-target)/(N*F). Returns the loss. */
  mse(pred: F32, target: F32, dpred: F32): number;

  /** In-place softmax over rows (N, K), for inference. */
  softmax(n: number, k: number, x: F32, y: F32): void;

  /**
   * Adam / AdamW step on one parameter tensor. t is the 1-based step.
   * decoupled=true: AdamW (p -= lr*wd*p); false: Adam with L2 (g += wd*p).
   */
  adamStep(p: F32, g: F32, m: F32, v: F32, lr: number, beta1: number, beta2: number, eps: number,
    wd: number, t: number, decoupled: boolean): void;
  /** SGD with momentum μ (v = μv + g + wd·p; Nesterov: p -= lr(g + wd·p + μv); else p -= lr·v). */
  sgdStep(p: F32, g: F32, v: F32, lr: number, momentum: number, wd: number, nesterov: boolean): void;
  /** Σ x². */
  sumSquares(x: F32): number;
  /** x *= a. */
  scale(x: F32, a: number): void;
  /** y += x. */
  accumulate(x: F32, y: F32): void;
}
