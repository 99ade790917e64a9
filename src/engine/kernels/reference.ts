/**
 * The reference implementation of `TrainKernels`: plain TypeScript loops, one
 * concept per file, never optimized. It is the specification the native kernels
 * are tested against, and the fallback when a native kernel throws
 * `UnsupportedKernelError`.
 *
 * Every reference function accepts Float32Array or Float64Array buffers (`Buf`):
 * float32 is what training uses, float64 lets the gradient checks use central
 * finite differences with tight tolerances.
 */
import type { TrainKernels } from './types.js';
import { conv2dBackward, conv2dForward } from './conv2d.js';
import { depthwiseBackward, depthwiseForward } from './depthwise_conv2d.js';
import { denseBackward, denseForward } from './dense.js';
import { batchNormBackward, batchNormInfer, batchNormTrain } from './batch_norm.js';
import { reluBackward, reluForward } from './relu.js';
import { addForward } from './add.js';
import { avgPoolBackward, avgPoolForward, maxPoolBackward, maxPoolForward } from './pool.js';
import { globalAvgPoolBackward, globalAvgPoolForward } from './global_avg_pool.js';
import { dropoutBackward, dropoutForward } from './dropout.js';
import { mse, softmax, softmaxCrossEntropy } from './loss.js';
import { accumulate, adamStep, scale, sgdStep, sumSquares } from './optim.js';

/** A float buffer a reference kernel reads or writes. */
export type Buf = Float32Array | Float64Array;

export const referenceKernels: TrainKernels = {
  name: 'reference',
  conv2dForward,
  conv2dBackward,
  depthwiseForward,
  depthwiseBackward,
  denseForward,
  denseBackward,
  batchNormTrain,
  batchNormInfer,
  batchNormBackward,
  reluForward,
  reluBackward,
  addForward,
  avgPoolForward,
  avgPoolBackward,
  maxPoolForward,
  maxPoolBackward,
  globalAvgPoolForward,
  globalAvgPoolBackward,
  dropoutForward,
  dropoutBackward,
  softmaxCrossEntropy,
  mse,
  softmax,
  adamStep,
  sgdStep,
  sumSquares,
  scale,
  accumulate,
};
