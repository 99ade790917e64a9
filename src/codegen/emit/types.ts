/**
 * The resolved input of every C emitter: the prepared model (kernel
 * parameters), its memory plan, and the export's choices. Built once by
 * `export.ts`; emitters only read it.
 */
import type { PreparedModel, TensorData } from '../../engine/int8/index.js';
import type { FrontEnd } from '../front-end.js';
import type { MemoryPlan } from '../planner.js';

export interface TestVector {
  /** One array per model input (int8 or float32), as fed to the in-process interpreter. */
  readonly inputs: readonly TensorData[];
  /** What the in-process interpreter returned for them. */
  readonly outputs: readonly TensorData[];
  /** Which in-process kernels produced `outputs`. */
  readonly backend: string;
}

export interface CModel {
  /** Human name (comments, the MLFORGE_MODEL_NAME macro). */
  readonly name: string;
  readonly prepared: PreparedModel;
  readonly plan: MemoryPlan;
  /** Kernel sources copied into `kernels/` (file names, e.g. conv2d_s8.c). */
  readonly kernelSources: readonly string[];
  readonly labels?: readonly string[];
  /** MLForge version (a comment in every file). */
  readonly version: string;
  readonly testVector?: TestVector;
  /** Feature block and anomaly threshold (emit/features.ts); absent for a plain model. */
  readonly frontEnd?: FrontEnd;
}
