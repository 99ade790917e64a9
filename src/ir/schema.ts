/**
 * The float model graph: what the planner proposes, the engine trains and the
 * quantizer lowers. Shapes are per sample (no batch axis): [H, W, C] for images,
 * [L, C] for sequences (conv1d), [F] for vectors. Layout is NHWC throughout.
 *
 * A layer reads the previous layer's output unless `inputs` names other layers
 * ("input" is the model input). The model output is the last layer.
 */
import { z } from 'zod';

const pair = z.union([z.number().int().positive(), z.tuple([z.number().int().positive(), z.number().int().positive()])]);
export type Pair = z.infer<typeof pair>;
const padding = z.enum(['same', 'valid']);
const name = z.string().regex(/^[A-Za-z0-9_.\-]+$/, 'layer names use letters, digits, _ . -');

const base = {
  name,
  inputs: z.array(z.string()).min(1).optional(),
};

export const Conv2d = z.object({
  ...base,
  type: z.literal('conv2d'),
  filters: z.number().int().positive(),
  kernel: pair,
  stride: pair.default(1),
  padding: padding.default('same'),
  useBias: z.boolean().default(true),
}).strict();

export const DepthwiseConv2d = z.object({
  ...base,
  type: z.literal('depthwise_conv2d'),
  kernel: pair,
  stride: pair.default(1),
  padding: padding.default('same'),
  depthMultiplier: z.number().int().positive().default(1),
  useBias: z.boolean().default(true),
}).strict();

/** conv1d over [L, C]; the engine runs it as conv2d with H = 1. */
export const Conv1d = z.object({
  ...base,
  type: z.literal('conv1d'),
  filters: z.number().int().positive(),
  kernel: z.number().int().positive(),
  stride: z.number().int().positive().default(1),
  padding: padding.default('same'),
  useBias: z.boolean().default(true),
}).strict();

export const Dense = z.object({
  ...base,
  type: z.literal('dense'),
  units: z.number().int().positive(),
  useBias: z.boolean().default(true),
}).strict();

/** Normalizes the last axis. momentum is the running-average keep factor (Keras style). */
export const BatchNorm = z.object({
  ...base,
  type: z.literal('batch_norm'),
  epsilon: z.number().positive().default(1e-3),
  momentum: z.number().min(0).max(1).default(0.99),
}).strict();

export const Relu = z.object({ ...base, type: z.literal('relu') }).strict();
export const Relu6 = z.object({ ...base, type: z.literal('relu6') }).strict();
export const Add = z.object({ ...base, type: z.literal('add'), inputs: z.array(z.string()).length(2) }).strict();

const pool = {
  pool: pair,
  stride: pair.optional(), // defaults to pool
  padding: padding.default('valid'),
};
export const AvgPool = z.object({ ...base, type: z.literal('avg_pool'), ...pool }).strict();
export const MaxPool = z.object({ ...base, type: z.literal('max_pool'), ...pool }).strict();
export const GlobalAvgPool = z.object({ ...base, type: z.literal('global_avg_pool') }).strict();
export const Flatten = z.object({ ...base, type: z.literal('flatten') }).strict();
export const Reshape = z.object({ ...base, type: z.literal('reshape'), shape: z.array(z.number().int().positive()).min(1) }).strict();
export const Dropout = z.object({ ...base, type: z.literal('dropout'), rate: z.number().min(0).lt(1) }).strict();
export const Softmax = z.object({ ...base, type: z.literal('softmax') }).strict();

export const Layer = z.discriminatedUnion('type', [
  Conv2d, DepthwiseConv2d, Conv1d, Dense, BatchNorm, Relu, Relu6, Add,
  AvgPool, MaxPool, GlobalAvgPool, Flatten, Reshape, Dropout, Softmax,
]);
export type Layer = z.infer<typeof Layer>;
export type LayerType = Layer['type'];
export type LayerOf<T extends LayerType> = Extract<Layer, { type: T }>;

export const Model = z.object({
  format: z.literal('mlforge.model').default('mlforge.model'),
  version: z.literal(1).default(1),
  name: z.string().min(1),
  input: z.object({ shape: z.array(z.number().int().positive()).min(1).max(3) }).strict(),
  layers: z.array(Layer).min(1),
  labels: z.array(z.string()).optional(),
}).strict();
export type Model = z.infer<typeof Model>;
/** What a user may write: defaults not yet filled. */
export type ModelInput = z.input<typeof Model>;

export const pairOf = (p: Pair): [number, number] => (typeof p === 'number' ? [p, p] : [p[0], p[1]]);
