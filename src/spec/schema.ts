/**
 * The forge spec: what a user writes in one YAML file (`SpecInput`, with its
 * JSON Schema for editor completion) and the complete, read-only object that
 * `resolveSpec` makes of it (`ResolvedSpec`). Defaults live in resolve.ts, not
 * here, because most depend on the board or the task and the resolved object
 * records where each value came from.
 *
 * Sizes ("256KB"), durations ("50ms", "1h30m") and frequencies ("64MHz") are
 * parsed here, so everything after this file sees bytes, seconds and hertz.
 */
import { z } from 'zod';
import { Board, BoardFields, boardRules } from '../targets/index.js';
import { FeatureFields } from '../dsp/index.js';
import { parseDuration, parseFrequency, parseSize } from './units.js';

/** Short rendering of a value for "got …" in messages. */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

const expected = (what: string) => (iss: { input?: unknown }) => `expected ${what}, got ${show(iss.input)}`;

/** A value parsed from a number or a string with units; `parse` returns undefined when malformed. */
function unitField(what: string, pattern: string, parse: (v: unknown) => number | undefined) {
  return z.union([z.number(), z.string().meta({ pattern })], { error: expected(what) })
    .transform((v, ctx) => {
      const n = parse(v);
      if (n === undefined) {
        ctx.addIssue({ code: 'custom', message: `expected ${what}, got ${show(v)}`, input: v });
        return z.NEVER;
      }
      return n;
    });
}

export const Size = unitField('a size like 262144, "256KB" or "1MiB"', '^\\s*\\d+(\\.\\d+)?\\s*([bBkKmMgG]([iI]?[bB])?)?\\s*$', parseSize)
  .describe('bytes: a number, or a string with K/KB/KiB, M/MB/MiB (binary: 1K = 1024)');
export const Frequency = unitField('a frequency like 64000000 or "64MHz"', '^\\s*\\d+(\\.\\d+)?\\s*([kKmMgG]?[hH][zZ])?\\s*$', parseFrequency)
  .describe('hertz: a number, or a string like "64MHz"');
const DURATION_PATTERN = '^\\s*(\\d+(\\.\\d+)?\\s*(ms|us|µs|h|min|m|s)?\\s*)+$';
/** Milliseconds; a bare number is milliseconds. */
export const LatencyMs = unitField('a duration like 50 or "50ms" or "0.2s"', DURATION_PATTERN, (v) => parseDuration(v, 'ms'))
  .describe('milliseconds: a number, or a string like "50ms", "0.2s"');
/** Seconds; a bare number is seconds. */
export const Seconds = unitField('a duration like "20m", "1h30m" or 3600 (seconds)', DURATION_PATTERN, (v) => {
  const ms = parseDuration(v, 's');
  return ms === undefined ? undefined : ms / 1000;
}).describe('seconds: a number, or a string like "20m", "1h30m", "90s"');

export const Task = z.enum(['classification', 'anomaly_detection']);
export type Task = z.infer<typeof Task>;
export const Family = z.enum(['ds-cnn', 'mobilenet-v2', 'cnn', 'cnn1d', 'mlp']);
export type Family = z.infer<typeof Family>;
export const FAMILIES = Family.options;
export const Planner = z.enum(['builtin', 'llm']);
export type Planner = z.infer<typeof Planner>;
/** What the search maximises: top-1 accuracy of the int8 model, or ROC AUC for anomaly detection. */
export const Maximize = z.enum(['accuracy', 'auc']);
export type Maximize = z.infer<typeof Maximize>;
/** Costs the search also minimises (they are always on the Pareto front). */
export const Minimize = z.enum(['sram', 'flash', 'latency']);
export type Minimize = z.infer<typeof Minimize>;

/** A board written in the spec: the database's fields, with sizes and clocks in units. */
export const InlineBoard = z.strictObject({
  ...BoardFields,
  defaultClockHz: Frequency,
  maxClockHz: Frequency.optional().describe('defaults to defaultClockHz'),
  sramBytes: Size.describe('SRAM the application can use'),
  flashBytes: Size.describe('flash the application image can use'),
  fpu: BoardFields.fpu.default('none'),
  dsp: BoardFields.dsp.default(false),
  helium: BoardFields.helium.default(false),
}).superRefine(boardRules).transform((b): Board => ({ ...b, maxClockHz: b.maxClockHz ?? b.defaultClockHz }));

const Fraction = z.number({ error: expected('a fraction between 0 and 0.9') }).min(0).max(0.9);

export const DatasetInput = z.union([
  z.string().min(1).describe('a built-in dataset (mnist, fashion-mnist), a .csv file or a folder, relative to the spec file'),
  z.strictObject({
    source: z.string().min(1).describe('a built-in dataset, a .csv file or a folder, relative to the spec file'),
    label: z.union([z.string().min(1), z.number().int().min(0)], { error: expected('a column name or a 0-based index') }).optional()
      .describe('CSV label column (name or 0-based index); default: label/class/target, else the last column'),
    split: z.strictObject({
      val: Fraction.optional().describe('fraction held out for validation (default 0.1)'),
      test: Fraction.optional().describe('fraction held out for the final test (default 0.1)'),
    }).optional(),
    options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()], { error: expected('a string, number or boolean') })).optional()
      .describe('loader-specific options, passed through unchanged'),
  }),
], { error: expected('a dataset name or path, or a mapping with source:') });

export const ConstraintsInput = z.strictObject({
  sramBytes: Size.optional().describe('peak SRAM for the model (arena + buffers); default: the board\'s SRAM minus the reserve'),
  flashBytes: Size.optional().describe('flash for weights and kernels; default: the board\'s flash minus the reserve'),
  latencyMs: LatencyMs.optional().describe('latency of one inference at the board\'s default clock; default: none'),
  reserve: z.strictObject({
    sramBytes: Size.optional().describe('SRAM kept for the RTOS and the application; default 12 KiB + 15% (at most half)'),
    flashBytes: Size.optional().describe('flash kept for the RTOS and the application; default 48 KiB + 10% (at most half)'),
  }).optional().describe('what the default constraints leave to the rest of the firmware'),
});

const Weight = z.number({ error: expected('a weight ≥ 0') }).min(0);
export const ObjectivesInput = z.union([
  Maximize.describe('shorthand for { maximize: … }'),
  z.strictObject({
    maximize: Maximize.optional().describe('accuracy (classification, default) or auc (anomaly detection, default)'),
    minimize: z.array(Minimize).optional().describe('costs to trade against the maximised metric'),
    weights: z.strictObject({ accuracy: Weight, auc: Weight, sram: Weight, flash: Weight, latency: Weight }).partial().optional()
      .describe('ranking weights: score = w·metric − Σ w_cost·cost/limit; defaults 1 for the metric, 0.1 per minimised cost'),
  }),
], { error: expected('accuracy, auc, or a mapping with maximize/minimize/weights') });

export const BudgetInput = z.union([
  Seconds.describe('shorthand for { time: … }'),
  z.strictObject({
    time: Seconds.optional().describe('wall time for the whole search'),
    trials: z.number({ error: expected('a whole number of trials ≥ 1') }).int().min(1).optional().describe('most candidates to train'),
  }),
], { error: expected('a duration like "20m" or a mapping with time/trials') });

export const SearchInput = z.strictObject({
  families: z.array(Family).min(1).optional().describe('architecture families the search may propose; default: all'),
  planner: Planner.optional().describe('builtin (hardware-aware search, default) or llm (a language model proposes)'),
});

/** What an omitted `augment` field means (the schema's descriptions, the example spec and resolveSpec read it). */
export const AUGMENT_DEFAULTS = { copies: 8, warp: 0.1, shiftMs: 100 } as const;

export const AugmentInput = z.strictObject({
  copies: z.number({ error: expected('a whole number 0–8') }).int().min(0).max(8).optional()
    .describe(`audio: perturbed copies of each training clip, made before the feature block (0 = none); default ${AUGMENT_DEFAULTS.copies}`),
  warp: z.number({ error: expected('a number 0–0.3') }).min(0).max(0.3).optional()
    .describe(`audio: speed perturbation, a factor drawn log-uniformly from [1/(1+warp), 1+warp] (pitch, formants and tempo); default ${AUGMENT_DEFAULTS.warp}`),
  shiftMs: z.number({ error: expected('a duration in ms ≥ 0') }).min(0).optional()
    .describe(`audio: time shift drawn uniformly from ±shiftMs; default ${AUGMENT_DEFAULTS.shiftMs}`),
});

/** The spec file as written. Everything is optional here; resolveSpec says what is required. */
export const SpecInput = z.strictObject({
  $schema: z.string().optional().describe('JSON Schema of this file, for editors'),
  name: z.string().min(1).optional().describe('run name; default: the spec file name'),
  task: Task.optional().describe('classification (default) or anomaly_detection'),
  dataset: DatasetInput.optional(),
  board: z.union([z.string().min(1), InlineBoard], { error: expected('a board name (mlforge boards) or a board definition') }).optional()
    .describe('a Zephyr board name from `mlforge boards`, or a board definition'),
  boards: z.array(InlineBoard).optional().describe('extra board definitions that board: (or --board) may name'),
  constraints: ConstraintsInput.optional(),
  objectives: ObjectivesInput.optional(),
  budget: BudgetInput.optional().describe('when to stop searching; default: 30 minutes'),
  search: SearchInput.optional(),
  features: z.union([FeatureFields, z.array(FeatureFields).min(1)], { error: expected('a feature block (kind: mfcc, logmel, spectrogram or motion, …) or a list of them') }).optional()
    .describe('WAV and time-series folders: the on-device feature block, or a list of blocks the search chooses from; default: a few standard choices'),
  augment: AugmentInput.optional().describe('WAV folders: training-data augmentation before the feature block'),
  seed: z.number({ error: expected('a whole number ≥ 0') }).int().min(0).optional().describe('random seed (default 0)'),
  out: z.string().min(1).optional().describe('output folder, relative to the spec file; default: out/<name>'),
}).meta({ title: 'MLForge forge spec', description: 'Task, dataset, board, constraints, objectives and budget for `mlforge forge`.' });
export type SpecInput = z.input<typeof SpecInput>;
export type ParsedSpec = z.output<typeof SpecInput>;

/** JSON Schema (draft-07, what YAML/JSON editors understand best) of the spec file. */
export function specJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(SpecInput, { io: 'input', target: 'draft-7', unrepresentable: 'any' }) as Record<string, unknown>;
}

// ---- the resolved spec --------------------------------------------------

export const SpecOverride = z.enum(['dataset', 'board', 'budget', 'out', 'seed']);
export type SpecOverride = z.infer<typeof SpecOverride>;

export const ResolvedSpecSchema = z.object({
  /** Absolute path of the spec file; null when resolved from an object in memory. */
  file: z.string().nullable(),
  name: z.string(),
  task: Task,
  dataset: z.object({
    kind: z.enum(['builtin', 'csv', 'folder']),
    /** Built-in name, or an absolute path. */
    source: z.string(),
    /** Display name: the built-in name or the file/folder name. */
    name: z.string(),
    label: z.union([z.string(), z.number()]).nullable(),
    split: z.object({ val: z.number(), test: z.number() }),
    options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  }),
  board: Board,
  constraints: z.object({
    sramBytes: z.number().int(),
    flashBytes: z.number().int(),
    latencyMs: z.number().nullable(),
    /** What the defaults leave to the RTOS and application (applied only where origin is 'board'). */
    reserve: z.object({ sramBytes: z.number().int(), flashBytes: z.number().int(), policy: z.string() }),
    /** 'spec': written by the user; 'board': the board's figure minus the reserve; 'none': no limit. */
    origin: z.object({ sramBytes: z.enum(['spec', 'board']), flashBytes: z.enum(['spec', 'board']), latencyMs: z.enum(['spec', 'none']) }),
  }),
  objectives: z.object({
    maximize: Maximize,
    minimize: z.array(Minimize),
    /** score = primary·metric − sram·(sram/limit) − flash·(flash/limit) − latency·(latency/limit). */
    weights: z.object({ primary: z.number(), sram: z.number(), flash: z.number(), latency: z.number() }),
  }),
  budget: z.object({ timeSeconds: z.number().nullable(), maxTrials: z.number().int().nullable() }),
  search: z.object({ families: z.array(Family), planner: Planner }),
  /** Feature blocks as written (checked against the data when it is loaded); null: the defaults for the data. */
  features: z.array(z.record(z.string(), z.unknown())).nullable(),
  /** Audio training augmentation (WAV folders only). */
  augment: z.object({ copies: z.number().int(), warp: z.number(), shiftMs: z.number() }),
  seed: z.number().int(),
  /** Absolute output folder. */
  out: z.string(),
  /** Fields a command-line flag set, overriding the file. */
  overrides: z.array(SpecOverride),
});

type DeepReadonly<T> = T extends (infer U)[] ? readonly DeepReadonly<U>[]
  : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/** The complete, deep-frozen spec that `mlforge forge` and the agent consume. */
export type ResolvedSpec = DeepReadonly<z.output<typeof ResolvedSpecSchema>>;
