/** Targets: the board database and the cost model (flash, SRAM via the memory planner, latency). */
export * from './boards.js';
export {
  estimateCost, calibrationTable, CalibrationTable, ProfileMeasurement, OpFit, CORE_MODELS,
  type CostEstimate, type CostOptions, type LayerCost, type CoreModel,
} from './cost.js';
export { opWork, VARIANT_FEATURES, variantsFor, type OpWork } from './op-work.js';
export { shapeOnlyInt8 } from './shape-only.js';
export { calibrate, formatTable, PROFILES, profileName, type CalibrateOptions, type CalibrateResult } from './calibration.js';
