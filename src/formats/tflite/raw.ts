/**
 * The schema-level model: what a `.tflite` file says, decoded and structurally
 * validated, before any MLForge semantics. `decode.ts` produces it from bytes,
 * `encode.ts` turns it back into bytes; `reader.ts` converts it to the int8 IR,
 * `writer.ts` builds it from the IR, `inspect.ts` reports on it.
 *
 * Only subgraph 0 is kept. Tensor and buffer indices are the file's.
 */

export interface RawQuant {
  scale: number[];
  zeroPoint: number[];
  /** quantized_dimension (meaningful when scale has more than one entry). */
  axis: number;
}

export interface RawTensor {
  name: string;
  shape: number[];
  /** TensorType code. */
  type: number;
  /** Index into `buffers`; 0 = no data. */
  buffer: number;
  quant?: RawQuant;
  isVariable: boolean;
  /** Sparsity parameters or custom quantization details are present (both unsupported). */
  sparse: boolean;
  customQuant: boolean;
}

export interface RawOpCode {
  /** max(deprecated_builtin_code, builtin_code). */
  builtin: number;
  custom?: string;
  version: number;
}

/** Decoded builtin options table fields, keyed by schema field name. */
export type RawOptions = Record<string, number | boolean | number[]>;

export interface RawOp {
  opcodeIndex: number;
  /** Tensor indices; -1 = absent optional input. */
  inputs: number[];
  outputs: number[];
  /** BuiltinOptions union type code (0 = NONE). */
  optionsType: number;
  /** Present when the options table is one `schema.ts` knows. */
  options?: RawOptions;
  hasCustomOptions: boolean;
}

export interface RawMetadata {
  name: string;
  buffer: number;
}

export interface RawModel {
  /** Schema version (3). */
  version: number;
  description?: string;
  opcodes: RawOpCode[];
  /** Buffer contents (views into the file after decoding). Buffer 0 is the empty sentinel. */
  buffers: Uint8Array[];
  subgraphName?: string;
  subgraphCount: number;
  tensors: RawTensor[];
  ops: RawOp[];
  inputs: number[];
  outputs: number[];
  metadata: RawMetadata[];
}

/** A tensor holds constant data when its buffer is non-zero and non-empty. */
export const isConstant = (m: RawModel, t: number): boolean => {
  const b = m.tensors[t]!.buffer;
  return b > 0 && m.buffers[b]!.length > 0;
};

export const elementCount = (shape: readonly number[]): number => shape.reduce((a, d) => a * d, 1);
