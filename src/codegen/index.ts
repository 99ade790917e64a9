/**
 * Code generation: the memory planner (one static arena by lifetime) and the
 * C99 exporter built on it.
 *
 * @example
 * import { exportC, planMemory } from './codegen/index.js';
 * planMemory(model).arenaBytes;
 * exportC(model, 'out/model-c');
 */
export { exportC, resolveCModel, type ExportCOptions, type ExportCResult } from './export.js';
export {
  planGraph, planMemory, placementOf,
  type MemoryPlan, type PlanOptions, type PlanStep, type PlanStrategy, type PlannedBuffer, type TensorPlacement,
} from './planner.js';
export { planGraphOf, type PlanGraph, type PlanOp, type PlanTensor } from './graph.js';
export { kernelSourcesFor, kernelsDir, kernelHeaders, packageRoot } from './kernels.js';
export { exportDefines, librarySources, includeDirs } from './emit/build.js';
export {
  resolveFrontEnd, rawToInput, anomalyScore, anomalyScoreOf, featuresToInput, frontEndCost,
  type FrontEnd, type FrontEndSource, type FrontEndCost, type ResolvedFeatures, type AnomalySpec,
} from './front-end.js';
export { DSP_NAME, DSP_DIR } from './emit/features.js';
export { testInput, testInputs } from './test-inputs.js';
export { conv2dScratchBytes, fullyConnectedScratchBytes } from './scratch.js';
export type { CModel, TestVector } from './emit/types.js';
