/** Picks the training-kernel implementation: native when built, else the reference. */
import { MlforgeError } from '../errors.js';
import { nativeKernels, nativeLoadError } from './kernels/native.js';
import { referenceKernels } from './kernels/reference.js';
import type { TrainKernels } from './kernels/types.js';

export type KernelChoice = 'auto' | 'native' | 'reference';

export function selectKernels(choice: KernelChoice = 'auto'): TrainKernels {
  if (choice === 'reference') return referenceKernels;
  if (nativeKernels) return nativeKernels;
  if (choice === 'native') {
    throw new MlforgeError('UNSUPPORTED', `native kernels are not available: ${nativeLoadError}`, 'run `npm install` (it builds the addon with node-gyp)');
  }
  return referenceKernels;
}
