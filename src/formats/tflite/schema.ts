/**
 * The subset of the TFLite flatbuffer schema (tensorflow/lite/schema/schema.fbs,
 * file identifier "TFL3", schema version 3) that MLForge reads and writes,
 * described as data: table field ids, scalar types and defaults, enum values and
 * the BuiltinOptions union members we use.
 *
 * Not generated code and not the schema file: the decoder (`decode.ts`) and the
 * encoder (`encode.ts`) walk these descriptors over a bounds-checked view and the
 * `flatbuffers` Builder. A field's vtable slot is 4 + 2·id; a union field `u`
 * with id N stores its type in slot N-1 and its value in slot N.
 * Fields absent here are ignored on read and never written.
 */

export type ScalarType = 'bool' | 'byte' | 'ubyte' | 'short' | 'int' | 'uint' | 'long' | 'ulong' | 'float';

export interface FieldDef {
  readonly id: number;
  /** A scalar, an enum name, 'string', a table name, `[elem]` for vectors, or a union name. */
  readonly type: string;
  readonly default?: number | boolean;
}

export type TableDef = Readonly<Record<string, FieldDef>>;

const f = (id: number, type: string, dflt?: number | boolean): FieldDef => ({ id, type, default: dflt });

export const SCHEMA_VERSION = 3;
export const FILE_IDENTIFIER = 'TFL3';

/** The root and structural tables. */
export const TABLES = {
  Model: {
    version: f(0, 'uint', 0),
    operator_codes: f(1, '[OperatorCode]'),
    subgraphs: f(2, '[SubGraph]'),
    description: f(3, 'string'),
    buffers: f(4, '[Buffer]'),
    metadata_buffer: f(5, '[int]'),
    metadata: f(6, '[Metadata]'),
  },
  OperatorCode: {
    deprecated_builtin_code: f(0, 'byte', 0),
    custom_code: f(1, 'string'),
    version: f(2, 'int', 1),
    builtin_code: f(3, 'BuiltinOperator', 0),
  },
  SubGraph: {
    tensors: f(0, '[Tensor]'),
    inputs: f(1, '[int]'),
    outputs: f(2, '[int]'),
    operators: f(3, '[Operator]'),
    name: f(4, 'string'),
  },
  Tensor: {
    shape: f(0, '[int]'),
    type: f(1, 'TensorType', 0),
    buffer: f(2, 'uint', 0),
    name: f(3, 'string'),
    quantization: f(4, 'QuantizationParameters'),
    is_variable: f(5, 'bool', false),
    sparsity: f(6, 'SparsityParameters'),
    shape_signature: f(7, '[int]'),
  },
  QuantizationParameters: {
    min: f(0, '[float]'),
    max: f(1, '[float]'),
    scale: f(2, '[float]'),
    zero_point: f(3, '[long]'),
    details: f(5, 'QuantizationDetails'),
    quantized_dimension: f(6, 'int', 0),
  },
  Operator: {
    opcode_index: f(0, 'uint', 0),
    inputs: f(1, '[int]'),
    outputs: f(2, '[int]'),
    builtin_options: f(4, 'BuiltinOptions'),
    custom_options: f(5, '[ubyte]'),
    intermediates: f(8, '[int]'),
    large_custom_options_offset: f(9, 'ulong', 0),
    large_custom_options_size: f(10, 'ulong', 0),
    builtin_options_2: f(12, 'BuiltinOptions2'),
  },
  Buffer: {
    data: f(0, '[ubyte]'),
    offset: f(1, 'ulong', 0),
    size: f(2, 'ulong', 0),
  },
  Metadata: {
    name: f(0, 'string'),
    buffer: f(1, 'uint', 0),
  },
} as const satisfies Record<string, TableDef>;

/** The builtin options tables we decode and encode (all fields scalar or [int]). */
export const OPTIONS_TABLES = {
  Conv2DOptions: {
    padding: f(0, 'Padding', 0),
    stride_w: f(1, 'int', 0),
    stride_h: f(2, 'int', 0),
    fused_activation_function: f(3, 'ActivationFunctionType', 0),
    dilation_w_factor: f(4, 'int', 1),
    dilation_h_factor: f(5, 'int', 1),
    quantized_bias_type: f(6, 'TensorType', 0),
  },
  DepthwiseConv2DOptions: {
    padding: f(0, 'Padding', 0),
    stride_w: f(1, 'int', 0),
    stride_h: f(2, 'int', 0),
    depth_multiplier: f(3, 'int', 0),
    fused_activation_function: f(4, 'ActivationFunctionType', 0),
    dilation_w_factor: f(5, 'int', 1),
    dilation_h_factor: f(6, 'int', 1),
  },
  Pool2DOptions: {
    padding: f(0, 'Padding', 0),
    stride_w: f(1, 'int', 0),
    stride_h: f(2, 'int', 0),
    filter_width: f(3, 'int', 0),
    filter_height: f(4, 'int', 0),
    fused_activation_function: f(5, 'ActivationFunctionType', 0),
  },
  FullyConnectedOptions: {
    fused_activation_function: f(0, 'ActivationFunctionType', 0),
    weights_format: f(1, 'byte', 0),
    keep_num_dims: f(2, 'bool', false),
    asymmetric_quantize_inputs: f(3, 'bool', false),
    quantized_bias_type: f(4, 'TensorType', 0),
  },
  SoftmaxOptions: { beta: f(0, 'float', 0) },
  ConcatenationOptions: {
    axis: f(0, 'int', 0),
    fused_activation_function: f(1, 'ActivationFunctionType', 0),
  },
  AddOptions: {
    fused_activation_function: f(0, 'ActivationFunctionType', 0),
    pot_scale_int16: f(1, 'bool', true),
  },
  ReshapeOptions: { new_shape: f(0, '[int]') },
  PadOptions: {},
  ReducerOptions: { keep_dims: f(0, 'bool', false) },
  DequantizeOptions: {},
  QuantizeOptions: {},
} as const satisfies Record<string, TableDef>;

export type OptionsTableName = keyof typeof OPTIONS_TABLES;

/** BuiltinOptions union type codes (position in the union, NONE = 0). */
export const BUILTIN_OPTIONS: Readonly<Record<OptionsTableName, number>> = {
  Conv2DOptions: 1,
  DepthwiseConv2DOptions: 2,
  Pool2DOptions: 5,
  FullyConnectedOptions: 8,
  SoftmaxOptions: 9,
  ConcatenationOptions: 10,
  AddOptions: 11,
  ReshapeOptions: 17,
  PadOptions: 22,
  ReducerOptions: 27,
  DequantizeOptions: 38,
  QuantizeOptions: 89,
};

export const optionsTableByCode = (code: number): OptionsTableName | undefined =>
  (Object.keys(BUILTIN_OPTIONS) as OptionsTableName[]).find((k) => BUILTIN_OPTIONS[k] === code);

export const TensorType = {
  FLOAT32: 0, FLOAT16: 1, INT32: 2, UINT8: 3, INT64: 4, STRING: 5, BOOL: 6, INT16: 7, COMPLEX64: 8,
  INT8: 9, FLOAT64: 10, COMPLEX128: 11, UINT64: 12, RESOURCE: 13, VARIANT: 14, UINT32: 15, UINT16: 16,
  INT4: 17, BFLOAT16: 18,
} as const;

export const tensorTypeName = (t: number): string =>
  (Object.keys(TensorType) as (keyof typeof TensorType)[]).find((k) => TensorType[k] === t) ?? `TYPE_${t}`;

/**
 * Bits per element; undefined for types without a fixed size (string, resource,
 * variant). INT4 packs two elements per byte.
 */
export function tensorTypeBits(t: number): number | undefined {
  switch (t) {
    case TensorType.INT4: return 4;
    case TensorType.UINT8: case TensorType.INT8: case TensorType.BOOL: return 8;
    case TensorType.FLOAT16: case TensorType.INT16: case TensorType.UINT16: case TensorType.BFLOAT16: return 16;
    case TensorType.FLOAT32: case TensorType.INT32: case TensorType.UINT32: return 32;
    case TensorType.INT64: case TensorType.FLOAT64: case TensorType.UINT64: case TensorType.COMPLEX64: return 64;
    case TensorType.COMPLEX128: return 128;
    default: return undefined;
  }
}

export const Padding = { SAME: 0, VALID: 1 } as const;

export const ActivationFunctionType = {
  NONE: 0, RELU: 1, RELU_N1_TO_1: 2, RELU6: 3, TANH: 4, SIGN_BIT: 5,
} as const;

/** Last BuiltinOperator code that fits the deprecated int8 field; larger codes store 127 there. */
export const PLACEHOLDER_FOR_GREATER_OP_CODES = 127;

/**
 * BuiltinOperator names by code (0..205). Used for messages and inspection; the
 * reader converts only the codes in `Op` below.
 */
const OP_NAMES = (
  'ADD AVERAGE_POOL_2D CONCATENATION CONV_2D DEPTHWISE_CONV_2D DEPTH_TO_SPACE DEQUANTIZE EMBEDDING_LOOKUP ' +
  'FLOOR FULLY_CONNECTED HASHTABLE_LOOKUP L2_NORMALIZATION L2_POOL_2D LOCAL_RESPONSE_NORMALIZATION LOGISTIC ' +
  'LSH_PROJECTION LSTM MAX_POOL_2D MUL RELU RELU_N1_TO_1 RELU6 RESHAPE RESIZE_BILINEAR RNN SOFTMAX ' +
  'SPACE_TO_DEPTH SVDF TANH CONCAT_EMBEDDINGS SKIP_GRAM CALL CUSTOM EMBEDDING_LOOKUP_SPARSE PAD ' +
  'UNIDIRECTIONAL_SEQUENCE_RNN GATHER BATCH_TO_SPACE_ND SPACE_TO_BATCH_ND TRANSPOSE MEAN SUB DIV SQUEEZE ' +
  'UNIDIRECTIONAL_SEQUENCE_LSTM STRIDED_SLICE BIDIRECTIONAL_SEQUENCE_RNN EXP TOPK_V2 SPLIT LOG_SOFTMAX DELEGATE ' +
  'BIDIRECTIONAL_SEQUENCE_LSTM CAST PRELU MAXIMUM ARG_MAX MINIMUM LESS NEG PADV2 GREATER GREATER_EQUAL ' +
  'LESS_EQUAL SELECT SLICE SIN TRANSPOSE_CONV SPARSE_TO_DENSE TILE EXPAND_DIMS EQUAL NOT_EQUAL LOG SUM SQRT ' +
  'RSQRT SHAPE POW ARG_MIN FAKE_QUANT REDUCE_PROD REDUCE_MAX PACK LOGICAL_OR ONE_HOT LOGICAL_AND LOGICAL_NOT ' +
  'UNPACK REDUCE_MIN FLOOR_DIV REDUCE_ANY SQUARE ZEROS_LIKE FILL FLOOR_MOD RANGE RESIZE_NEAREST_NEIGHBOR ' +
  'LEAKY_RELU SQUARED_DIFFERENCE MIRROR_PAD ABS SPLIT_V UNIQUE CEIL REVERSE_V2 ADD_N GATHER_ND COS WHERE RANK ' +
  'ELU REVERSE_SEQUENCE MATRIX_DIAG QUANTIZE MATRIX_SET_DIAG ROUND HARD_SWISH IF WHILE NON_MAX_SUPPRESSION_V4 ' +
  'NON_MAX_SUPPRESSION_V5 SCATTER_ND SELECT_V2 DENSIFY SEGMENT_SUM BATCH_MATMUL PLACEHOLDER_FOR_GREATER_OP_CODES ' +
  'CUMSUM CALL_ONCE BROADCAST_TO RFFT2D CONV_3D IMAG REAL COMPLEX_ABS HASHTABLE HASHTABLE_FIND HASHTABLE_IMPORT ' +
  'HASHTABLE_SIZE REDUCE_ALL CONV_3D_TRANSPOSE VAR_HANDLE READ_VARIABLE ASSIGN_VARIABLE BROADCAST_ARGS ' +
  'RANDOM_STANDARD_NORMAL BUCKETIZE RANDOM_UNIFORM MULTINOMIAL GELU DYNAMIC_UPDATE_SLICE RELU_0_TO_1 ' +
  'UNSORTED_SEGMENT_PROD UNSORTED_SEGMENT_MAX UNSORTED_SEGMENT_SUM ATAN2 UNSORTED_SEGMENT_MIN SIGN BITCAST ' +
  'BITWISE_XOR RIGHT_SHIFT STABLEHLO_LOGISTIC STABLEHLO_ADD STABLEHLO_DIVIDE STABLEHLO_MULTIPLY STABLEHLO_MAXIMUM ' +
  'STABLEHLO_RESHAPE STABLEHLO_CLAMP STABLEHLO_CONCATENATE STABLEHLO_BROADCAST_IN_DIM STABLEHLO_CONVOLUTION ' +
  'STABLEHLO_SLICE STABLEHLO_CUSTOM_CALL STABLEHLO_REDUCE STABLEHLO_ABS STABLEHLO_AND STABLEHLO_COSINE ' +
  'STABLEHLO_EXPONENTIAL STABLEHLO_FLOOR STABLEHLO_LOG STABLEHLO_MINIMUM STABLEHLO_NEGATE STABLEHLO_OR ' +
  'STABLEHLO_POWER STABLEHLO_REMAINDER STABLEHLO_RSQRT STABLEHLO_SELECT STABLEHLO_SUBTRACT STABLEHLO_TANH ' +
  'STABLEHLO_SCATTER STABLEHLO_COMPARE STABLEHLO_CONVERT STABLEHLO_DYNAMIC_SLICE STABLEHLO_DYNAMIC_UPDATE_SLICE ' +
  'STABLEHLO_PAD STABLEHLO_IOTA STABLEHLO_DOT_GENERAL STABLEHLO_REDUCE_WINDOW STABLEHLO_SORT STABLEHLO_WHILE ' +
  'STABLEHLO_GATHER STABLEHLO_TRANSPOSE DILATE STABLEHLO_RNG_BIT_GENERATOR REDUCE_WINDOW'
).split(' ');

export const builtinName = (code: number): string => OP_NAMES[code] ?? `BUILTIN_${code}`;
export const BUILTIN_CUSTOM = 32;

/** The builtin operators MLForge converts, by name. */
export const Op = {
  ADD: 0, AVERAGE_POOL_2D: 1, CONCATENATION: 2, CONV_2D: 3, DEPTHWISE_CONV_2D: 4, DEQUANTIZE: 6,
  FULLY_CONNECTED: 9, LOGISTIC: 14, MAX_POOL_2D: 17, RESHAPE: 22, SOFTMAX: 25, TANH: 28, PAD: 34,
  MEAN: 40, QUANTIZE: 114,
} as const;

/** Enum declarations used by field types (for messages and for generating a schema in tests). */
export const ENUMS: Readonly<Record<string, { base: ScalarType; values: Readonly<Record<string, number>> }>> = {
  TensorType: { base: 'byte', values: TensorType },
  Padding: { base: 'byte', values: Padding },
  ActivationFunctionType: { base: 'byte', values: ActivationFunctionType },
  BuiltinOperator: {
    base: 'int',
    values: Object.fromEntries(OP_NAMES.map((n, i) => [n, i])),
  },
};

/** Vtable slot (byte offset inside the vtable) of field `id`. */
export const slot = (id: number): number => 4 + 2 * id;
