/**
 * Batch normalization reference kernels over the last (channel) axis: the
 * specification for the native batch norm. Two passes per statistic, accumulated
 * in float64 (JS numbers); not the one-pass or Welford form a fast kernel may use.
 *
 * x, y, dy, dx: (rows, C) with rows = N*H*W; gamma, beta, means, variances: (C)
 * train: y = gamma · (x - mean) · invStd + beta, invStd = 1/sqrt(var + eps),
 *        var the biased batch variance (divide by rows).
 * running stats (Keras-style momentum, e.g. 0.99): run = momentum·run + (1-momentum)·batch,
 *        where the running variance takes the unbiased batch variance (divide by rows-1;
 *        with rows = 1 the biased one, which is 0).
 * infer: y = gamma · (x - runMean) / sqrt(runVar + eps) + beta.
 */
import type { BatchNormShape } from './types.js';
import type { Buf } from './reference.js';

export function batchNormTrain(
  s: BatchNormShape, x: Buf, gamma: Buf, beta: Buf, y: Buf,
  saveMean: Buf, saveInvStd: Buf, runMean: Buf, runVar: Buf, momentum: number,
): void {
  const { rows, c, eps } = s;
  for (let ch = 0; ch < c; ch++) {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += x[r * c + ch];
    const mean = sum / rows;
    let sq = 0;
    for (let r = 0; r < rows; r++) {
      const d = x[r * c + ch] - mean;
      sq += d * d;
    }
    const variance = sq / rows;
    const invStd = 1 / Math.sqrt(variance + eps);
    for (let r = 0; r < rows; r++) {
      y[r * c + ch] = gamma[ch] * (x[r * c + ch] - mean) * invStd + beta[ch];
    }
    saveMean[ch] = mean;
    saveInvStd[ch] = invStd;
    const unbiased = rows > 1 ? sq / (rows - 1) : variance;
    runMean[ch] = momentum * runMean[ch] + (1 - momentum) * mean;
    runVar[ch] = momentum * runVar[ch] + (1 - momentum) * unbiased;
  }
}

export function batchNormInfer(
  s: BatchNormShape, x: Buf, gamma: Buf, beta: Buf, runMean: Buf, runVar: Buf, y: Buf,
): void {
  const { rows, c, eps } = s;
  for (let ch = 0; ch < c; ch++) {
    const invStd = 1 / Math.sqrt(runVar[ch] + eps);
    for (let r = 0; r < rows; r++) {
      y[r * c + ch] = gamma[ch] * (x[r * c + ch] - runMean[ch]) * invStd + beta[ch];
    }
  }
}

/**
 * Backward of the training-mode forward (batch statistics are functions of x).
 * dx: (rows, C), dgamma, dbeta: (C) — all overwritten. With xhat = (x - mean)·invStd:
 *   dbeta  = Σ_r dy,  dgamma = Σ_r dy · xhat
 *   dx     = gamma · invStd / rows · (rows · dy - dbeta - xhat · dgamma)
 */
export function batchNormBackward(
  s: BatchNormShape, x: Buf, gamma: Buf, dy: Buf, saveMean: Buf, saveInvStd: Buf,
  dx: Buf, dgamma: Buf, dbeta: Buf,
): void {
  const { rows, c } = s;
  for (let ch = 0; ch < c; ch++) {
    const mean = saveMean[ch];
    const invStd = saveInvStd[ch];
    let sumDy = 0;
    let sumDyXhat = 0;
    for (let r = 0; r < rows; r++) {
      const g = dy[r * c + ch];
      sumDy += g;
      sumDyXhat += g * (x[r * c + ch] - mean) * invStd;
    }
    dbeta[ch] = sumDy;
    dgamma[ch] = sumDyXhat;
    const k = (gamma[ch] * invStd) / rows;
    for (let r = 0; r < rows; r++) {
      const xhat = (x[r * c + ch] - mean) * invStd;
      dx[r * c + ch] = k * (rows * dy[r * c + ch] - sumDy - xhat * sumDyXhat);
    }
  }
}
