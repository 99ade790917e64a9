/**
 * The int8 inference path: exact fixed-point helpers, the kernel interface with
 * its TypeScript reference and native (C, Node addon) implementations, model
 * preparation, and the in-process interpreter.
 *
 * @example
 * import { createInterpreter } from './engine/int8/index.js';
 * const interp = createInterpreter(model, { backend: 'native' });
 * const [out] = interp.invoke([input]);
 */
export { createInterpreter } from './interpreter.js';
export type { Int8Backend, Int8Interpreter, InterpreterOptions, TensorData } from './interpreter.js';
export { prepare } from './prepare.js';
export type { PreparedModel, PreparedOp, PrepareOptions, TensorInfo } from './prepare.js';
export { referenceKernels } from './reference/index.js';
export { createNativeKernels, loadInt8Addon, nativeInt8Available } from './native.js';
export type { NativeKernelsOptions } from './native.js';
export * from './fixedpoint.js';
export {
  activationRange, addRequant, checkedMultiplier, computeOutSize, computePadding,
  foldMeanMultiplier, perChannelMultipliers, perTensorFcMultiplier, sigmoidRequant,
  softmaxRequant,
} from './kernel_util.js';
export type * from './types.js';
