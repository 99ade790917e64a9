/**
 * `.tflite` interchange: a safe reader (bytes → int8 IR), a writer (int8 IR →
 * bytes) and inspection (what a file holds, what it costs, which ops MLForge
 * lacks). Internals (decode/encode/raw/schema) stay behind this surface.
 */
export { readTflite, type MlforgeMetadata } from './reader.js';
export { writeTflite, withFloatIo, type WriteTfliteOptions } from './writer.js';
export { inspectTflite, formatInspection, type TfliteInspection, type InspectedOp, type InspectedTensor } from './inspect.js';
export { LIMITS as TFLITE_LIMITS } from './decode.js';
