/** The TypeScript reference implementation of the int8 kernel interface. */
import type { Int8Kernels } from '../types.js';
import { add } from './add.js';
import { concat } from './concat.js';
import { conv2d } from './conv2d.js';
import { depthwiseConv2d } from './depthwise_conv2d.js';
import { fullyConnected } from './fully_connected.js';
import { logistic } from './logistic.js';
import { mean } from './mean.js';
import { pad } from './pad.js';
import { avgPool, maxPool } from './pool.js';
import { dequantize, quantize, requantize } from './quantize.js';
import { softmax } from './softmax.js';
import { tanh } from './tanh.js';

export const referenceKernels: Int8Kernels = {
  name: 'reference',
  conv2d, depthwiseConv2d, fullyConnected, add, avgPool, maxPool, mean, softmax, pad, concat,
  quantize, dequantize, requantize, logistic, tanh,
};
