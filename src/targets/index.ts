/** Targets: the board database and the cost model (flash, SRAM via the memory planner, latency). */
export * from './boards.js';
export {
  estimateCost, shapeOnlyInt8, opWork, calibrationTable, CalibrationTable, ProfileMeasurement, OpFit, CORE_MODELS, VARIANT_FEATURES,
  type CostEstimate, type CostOptions, type LayerCost, type CoreModel, type OpWork,
} from './cost.js';
export { calibrate, formatTable, PROFILES, profileName, type CalibrateOptions, type CalibrateResult } from './calibration.js';
