/**
 * Spec resolution: YAML text → validated input → one complete, deep-frozen
 * `ResolvedSpec`. Defaults are filled here (the reserve policy below), the board
 * is looked up, paths become absolute (file paths relative to the spec file,
 * flag paths relative to the working directory) and flags override the file.
 *
 * Every error is one line naming the file and field, `MlforgeError('BAD_INPUT')`
 * (or NOT_FOUND for an unknown board, dataset or missing file).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, resolve as resolvePath } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { MlforgeError } from '../errors.js';
import { builtinNames, isBuiltin } from '../data/index.js';
import { findBoard, type Board } from '../targets/index.js';
import { parseFeatureConfig } from '../dsp/index.js';
import { closeNames, editDistance } from '../util/names.js';
import {
  AUGMENT_DEFAULTS, FAMILIES, SpecInput, show, type Maximize, type Minimize, type ParsedSpec, type ResolvedSpec, type SpecOverride, type Task,
} from './schema.js';
import { formatBytes, parseDuration } from './units.js';

/** Command-line values that override the file (strings as typed; paths relative to `cwd`). */
export interface SpecFlags {
  readonly dataset?: string;
  readonly board?: string;
  /** "20m", "1h30m", "3600" (seconds) or "50 trials". */
  readonly budget?: string;
  readonly out?: string;
  readonly seed?: string | number;
}

export interface ResolveOptions {
  /** The spec file as the user named it (messages quote it; relative paths start from its folder). */
  readonly file?: string;
  readonly flags?: SpecFlags;
  /** Working directory for flag paths and a relative `file`; default process.cwd(). */
  readonly cwd?: string;
}

// ---- reserve policy -----------------------------------------------------
// The default constraints leave room for the rest of the firmware. SRAM: the
// Zephyr kernel, main/ISR/idle stacks and console take ~8–12 KiB; the
// application's own buffers (sensor frames, audio windows, BLE/USB stacks) grow
// with the part, so a fraction on top. Flash: kernel, drivers, libc and the
// application code are ~30–50 KiB for a small Zephyr app, plus a fraction for
// the application's growth. Neither reserve takes more than half of the board.

export const RESERVE_POLICY = {
  sram: { fixedBytes: 12 * 1024, fraction: 0.15 },
  flash: { fixedBytes: 48 * 1024, fraction: 0.1 },
  maxFraction: 0.5,
} as const;

function defaultReserve(total: number, rule: { fixedBytes: number; fraction: number }): number {
  const want = Math.ceil((rule.fixedBytes + rule.fraction * total) / 1024) * 1024;
  return Math.min(want, Math.floor(total * RESERVE_POLICY.maxFraction));
}

/** The bytes the default policy keeps free on a board. */
export function defaultReserves(board: Pick<Board, 'sramBytes' | 'flashBytes'>): { sramBytes: number; flashBytes: number } {
  return { sramBytes: defaultReserve(board.sramBytes, RESERVE_POLICY.sram), flashBytes: defaultReserve(board.flashBytes, RESERVE_POLICY.flash) };
}

const DEFAULT_BUDGET_SECONDS = 30 * 60;
const DEFAULT_SPLIT = { val: 0.1, test: 0.1 };

// ---- errors -------------------------------------------------------------

const HINT = '`mlforge init` writes a commented example spec; `mlforge init --schema FILE` a JSON Schema for editor completion';

/** Messages for zod's built-in checks: "expected X, got Y". */
const errorMap = (iss: z.core.$ZodRawIssue): string | undefined => {
  switch (iss.code) {
    case 'invalid_type': return iss.input === undefined ? 'required' : `expected ${iss.expected === 'object' ? 'a mapping' : iss.expected === 'array' ? 'a list' : `a ${iss.expected}`}, got ${show(iss.input)}`;
    case 'invalid_value': return `expected ${iss.values.map((v) => JSON.stringify(v)).join(' | ')}, got ${show(iss.input)}`;
    case 'too_small': return iss.origin === 'array' ? `expected at least ${iss.minimum} item(s)` : iss.origin === 'string' ? 'expected a non-empty string'
      : `expected a number ${iss.inclusive ? '≥' : '>'} ${iss.minimum}, got ${show(iss.input)}`;
    case 'too_big': return `expected a number ${iss.inclusive ? '≤' : '<'} ${iss.maximum}, got ${show(iss.input)}`;
    case 'unrecognized_keys': return `unknown field${iss.keys.length > 1 ? 's' : ''} ${iss.keys.map((k) => `"${k}"`).join(', ')}`;
    default: return undefined;
  }
};

type Schema = z.core.$ZodType;
type Def = { type: string; innerType?: Schema; in?: Schema; options?: Schema[]; shape?: Record<string, Schema>; element?: Schema; valueType?: Schema };
const def = (s: Schema) => s._zod.def as unknown as Def;

/** Object schemas at `path` (through optional/default/pipe/union/array), for "did you mean". */
function objectsAt(s: Schema, path: readonly PropertyKey[]): Schema[] {
  for (let d = def(s); ; d = def(s)) {
    if (d.innerType) s = d.innerType;
    else if (d.type === 'pipe' && d.in) s = d.in;
    else break;
  }
  const d = def(s);
  if (d.type === 'union') return d.options!.flatMap((o) => objectsAt(o, path));
  if (path.length === 0) return d.type === 'object' ? [s] : [];
  const [head, ...rest] = path;
  if (d.type === 'object' && typeof head === 'string' && d.shape![head]) return objectsAt(d.shape![head]!, rest);
  if (d.type === 'array' && typeof head === 'number') return objectsAt(d.element!, rest);
  if (d.type === 'record') return objectsAt(d.valueType!, rest);
  return [];
}

/** The most specific issue: inside a union, the branch that got past the type check. */
function innermost(issue: z.core.$ZodIssue, prefix: PropertyKey[] = []): { path: PropertyKey[]; issue: z.core.$ZodIssue } {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length) {
    const typed = issue.errors.filter((branch) => !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0)
      && !branch.some((i) => i.code === 'invalid_union' && i.path.length === 0));
    if (typed.length === 1 && typed[0]!.length) return innermost(typed[0]![0]!, path);
  }
  return { path, issue };
}

const formatPath = (path: readonly PropertyKey[]) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');

function specError(where: string, path: readonly PropertyKey[], message: string, code: 'BAD_INPUT' | 'NOT_FOUND' = 'BAD_INPUT', hint = HINT): MlforgeError {
  return new MlforgeError(code, `${where}: ${path.length ? `${formatPath(path)}: ` : ''}${message}`, hint);
}

function zodError(where: string, error: z.core.$ZodError): MlforgeError {
  const { path, issue } = innermost(error.issues[0]!);
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const known = objectsAt(SpecInput, path).flatMap((o) => Object.keys(def(o).shape!)).filter((k) => k !== '$schema');
    const key = String(issue.keys[0]).toLowerCase();
    const close = closeNames(key, known, 1)[0];
    const near = close !== undefined && (close.toLowerCase().includes(key) || key.includes(close.toLowerCase()) || editDistance(key, close.toLowerCase()) <= Math.max(2, key.length / 3));
    if (near) message += ` (did you mean ${close}?)`;
    else if (known.length) message += ` (fields here: ${known.join(', ')})`;
  }
  return specError(where, path, message);
}

/** Parses spec YAML; a syntax error names the line and column. */
export function parseSpecYaml(text: string, file = 'spec'): unknown {
  const doc = parseDocument(text, { uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const at = err.linePos?.[0];
    const msg = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new MlforgeError('BAD_INPUT', `${file}${at ? `:${at.line}:${at.col}` : ''}: YAML syntax error: ${msg}`, 'check indentation (spaces, not tabs) and quoting near that position');
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new MlforgeError('BAD_INPUT', `${file}: YAML error: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** Reads, parses and resolves a spec file. */
export function loadSpec(file: string, o: Omit<ResolveOptions, 'file'> = {}): ResolvedSpec {
  const abs = resolvePath(o.cwd ?? process.cwd(), file);
  if (!existsSync(abs)) throw new MlforgeError('NOT_FOUND', `spec file ${file} does not exist`, '`mlforge init` writes an example spec');
  return resolveSpec(parseSpecYaml(readFileSync(abs, 'utf8'), file), { ...o, file });
}

// ---- resolution ---------------------------------------------------------

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object') {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}

function lookupBoard(name: string, extra: readonly Board[], where: string): Board {
  try {
    return findBoard(name, extra);
  } catch (e) {
    if (e instanceof MlforgeError) throw new MlforgeError(e.code, `${where}: ${e.message}`, e.hint);
    throw e;
  }
}

/** `at.source` prefixes errors about the source, `at.field` those about label/split. */
function resolveDataset(input: NonNullable<ParsedSpec['dataset']>, baseDir: string, at: { source: string; field: string }): ResolvedSpec['dataset'] {
  const where = at.source;
  const d = typeof input === 'string' ? { source: input } : input;
  const src = d.source;
  const split = { ...DEFAULT_SPLIT, ...(typeof input === 'string' ? {} : input.split) };
  if (split.test <= 0 || split.val + split.test >= 1) {
    throw new MlforgeError('BAD_INPUT', `${at.field}.split: expected val ≥ 0, test > 0 and val + test < 1, got val ${split.val}, test ${split.test}`, HINT);
  }
  const common = { label: d.label ?? null, split, options: { ...d.options } };
  if (isBuiltin(src)) {
    if (d.label !== undefined) throw new MlforgeError('BAD_INPUT', `${at.field}.label: only CSV datasets have a label column; ${src} is built in`, HINT);
    return { kind: 'builtin', source: src, name: src, ...common };
  }
  const abs = resolvePath(baseDir, src);
  const pathLike = /[\\/]/.test(src) || src.startsWith('.') || /\.csv$/i.test(src) || existsSync(abs);
  if (!pathLike) {
    throw new MlforgeError('NOT_FOUND', `${where}: unknown built-in dataset "${src}" (closest: ${closeNames(src, builtinNames(), 2).join(', ')})`,
      `built-in datasets: ${builtinNames().join(', ')}; or give a .csv file or a folder`);
  }
  if (!existsSync(abs)) throw new MlforgeError('NOT_FOUND', `${where}: ${src} does not exist (looked for ${abs})`, 'paths in a spec are relative to the spec file; paths in flags to the working directory');
  const isDir = statSync(abs).isDirectory();
  if (!isDir && !/\.csv$/i.test(abs)) throw new MlforgeError('BAD_INPUT', `${where}: expected a built-in dataset, a .csv file or a folder, got ${src}`, HINT);
  if (isDir && d.label !== undefined) throw new MlforgeError('BAD_INPUT', `${at.field}.label: only CSV datasets have a label column; ${src} is a folder`, HINT);
  return { kind: isDir ? 'folder' : 'csv', source: abs, name: basename(abs), ...common };
}

function resolveConstraints(c: ParsedSpec['constraints'], board: Board, where: string): ResolvedSpec['constraints'] {
  const dflt = defaultReserves(board);
  const reserve = { sramBytes: c?.reserve?.sramBytes ?? dflt.sramBytes, flashBytes: c?.reserve?.flashBytes ?? dflt.flashBytes };
  const fail = (field: string, msg: string) => specError(where, ['constraints', ...field.split('.')], msg);
  for (const [field, total, kind] of [['sramBytes', board.sramBytes, 'SRAM'], ['flashBytes', board.flashBytes, 'flash']] as const) {
    const asked = c?.[field];
    if (asked !== undefined && asked > total) throw fail(field, `${formatBytes(asked)} exceeds the ${formatBytes(total)} of ${kind} on ${board.name}`);
    if (asked === undefined && reserve[field] >= total) throw fail(`reserve.${field}`, `a reserve of ${formatBytes(reserve[field])} leaves no ${kind} on ${board.name} (${formatBytes(total)})`);
    if (asked === 0) throw fail(field, 'expected a size > 0');
  }
  const policyPart = (field: 'sramBytes' | 'flashBytes', kind: string, rule: { fixedBytes: number; fraction: number }) =>
    c?.reserve?.[field] !== undefined ? `${kind} ${formatBytes(reserve[field])} (spec)`
      : `${kind} ${formatBytes(reserve[field])} (${formatBytes(rule.fixedBytes)} + ${rule.fraction * 100}%, at most half)`;
  return {
    sramBytes: c?.sramBytes ?? board.sramBytes - reserve.sramBytes,
    flashBytes: c?.flashBytes ?? board.flashBytes - reserve.flashBytes,
    latencyMs: c?.latencyMs ?? null,
    reserve: { ...reserve, policy: `reserve for RTOS + application: ${policyPart('sramBytes', 'SRAM', RESERVE_POLICY.sram)}, ${policyPart('flashBytes', 'flash', RESERVE_POLICY.flash)}` },
    origin: {
      sramBytes: c?.sramBytes !== undefined ? 'spec' : 'board',
      flashBytes: c?.flashBytes !== undefined ? 'spec' : 'board',
      latencyMs: c?.latencyMs !== undefined ? 'spec' : 'none',
    },
  };
}

function resolveObjectives(input: ParsedSpec['objectives'], task: Task, where: string): ResolvedSpec['objectives'] {
  const o = typeof input === 'string' ? { maximize: input } : input ?? {};
  const fitting: Maximize = task === 'anomaly_detection' ? 'auc' : 'accuracy';
  const maximize = o.maximize ?? fitting;
  if (maximize !== fitting) {
    throw specError(where, typeof input === 'string' ? ['objectives'] : ['objectives', 'maximize'], `${maximize} does not fit task ${task}; it maximises ${fitting}`);
  }
  const w: Partial<Record<Maximize | Minimize, number>> = ('weights' in o && o.weights) || {};
  const other: Maximize = maximize === 'auc' ? 'accuracy' : 'auc';
  if (w[other] !== undefined) throw specError(where, ['objectives', 'weights', other], `this spec maximises ${maximize}, not ${other}`);
  if (w[maximize] === 0) throw specError(where, ['objectives', 'weights', maximize], 'expected a weight > 0 for the maximised metric');
  const costs: Minimize[] = ['sram', 'flash', 'latency'];
  const listed = ('minimize' in o && o.minimize) || [];
  const minimize = costs.filter((m) => listed.includes(m) || (w[m] ?? 0) > 0);
  const weight = (m: Minimize) => w[m] ?? (minimize.includes(m) ? 0.1 : 0);
  return { maximize, minimize, weights: { primary: w[maximize] ?? 1, sram: weight('sram'), flash: weight('flash'), latency: weight('latency') } };
}

function parseBudgetFlag(v: string): { timeSeconds?: number; maxTrials?: number } {
  const trials = /^\s*(\d+)\s*trials?\s*$/i.exec(v);
  if (trials && Number(trials[1]) >= 1) return { maxTrials: Number(trials[1]) };
  const ms = parseDuration(v, 's');
  if (ms === undefined) throw new MlforgeError('BAD_INPUT', `--budget: expected a duration like 20m or 1h30m, or "50 trials", got ${show(v)}`);
  return { timeSeconds: ms / 1000 };
}

function parseSeedFlag(v: string | number): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0 || (typeof v === 'string' && v.trim() === '')) throw new MlforgeError('BAD_INPUT', `--seed: expected a whole number ≥ 0, got ${show(v)}`);
  return n;
}

/**
 * Validates a parsed spec (`raw`, e.g. from YAML) and resolves it completely.
 * @example resolveSpec({ dataset: 'mnist', board: 'nucleo_f746zg' }, { file: 'spec.yaml' }).constraints.sramBytes
 */
function featureBlocks(f: ParsedSpec['features'], dataset: ResolvedSpec['dataset'], where: string): Record<string, unknown>[] | null {
  if (f === undefined) return null;
  if (dataset.kind !== 'folder') throw specError(where, ['features'], `feature blocks apply to WAV and time-series folders; dataset ${dataset.name} is ${dataset.kind === 'csv' ? 'a CSV file' : 'built in'}`);
  const list = Array.isArray(f) ? f : [f];
  // Cross-field checks (fftLength, mel bins) now, so a bad block fails before any data is read.
  list.forEach((c, i) => parseFeatureConfig(c, `${where}: features${Array.isArray(f) ? `[${i}]` : ''}`));
  return list.map((c) => ({ ...c }));
}

export function resolveSpec(raw: unknown, o: ResolveOptions = {}): ResolvedSpec {
  const where = o.file ?? 'spec';
  const cwd = o.cwd ?? process.cwd();
  const flags = o.flags ?? {};
  const input = raw ?? {};
  if (typeof input !== 'object' || Array.isArray(input)) throw specError(where, [], `expected a mapping of fields (task, dataset, board, …), got ${show(input)}`);
  const parsed = SpecInput.safeParse(input, { error: errorMap, reportInput: true });
  if (!parsed.success) throw zodError(where, parsed.error);
  const p = parsed.data;
  const absFile = o.file === undefined ? null : resolvePath(cwd, o.file);
  const specDir = absFile ? dirname(absFile) : cwd;
  const overrides: SpecOverride[] = [];
  const name = p.name ?? (absFile ? basename(absFile, extname(absFile)) : 'forge');
  const task: Task = p.task ?? 'classification';

  const extra = p.boards ?? [];
  extra.forEach((b, i) => {
    if (extra.findIndex((other) => other.name === b.name) !== i) throw specError(where, ['boards', i, 'name'], `board "${b.name}" is defined twice`);
  });
  let board: Board;
  if (flags.board !== undefined) {
    overrides.push('board');
    board = lookupBoard(flags.board, typeof p.board === 'object' ? [p.board, ...extra] : extra, '--board');
  } else if (typeof p.board === 'string') board = lookupBoard(p.board, extra, `${where}: board`);
  else if (p.board) board = p.board;
  else throw specError(where, ['board'], 'required: name a board from `mlforge boards`, define one, or pass --board');

  let dataset: ResolvedSpec['dataset'];
  if (flags.dataset !== undefined) {
    overrides.push('dataset');
    dataset = resolveDataset(typeof p.dataset === 'object' ? { ...p.dataset, source: flags.dataset } : flags.dataset, cwd,
      { source: '--dataset', field: `${where}: dataset` });
  } else if (p.dataset !== undefined) {
    dataset = resolveDataset(p.dataset, specDir, { source: `${where}: dataset${typeof p.dataset === 'object' ? '.source' : ''}`, field: `${where}: dataset` });
  } else throw specError(where, ['dataset'], `required: a built-in dataset (${builtinNames().join(', ')}), a .csv file or a folder, or pass --dataset`);

  const b = p.budget;
  let budget = typeof b === 'number' ? { timeSeconds: b, maxTrials: null as number | null }
    : { timeSeconds: b?.time ?? null, maxTrials: b?.trials ?? null };
  if (flags.budget !== undefined) {
    overrides.push('budget');
    budget = { ...budget, ...parseBudgetFlag(flags.budget) };
  }
  if (budget.timeSeconds === null && budget.maxTrials === null) budget.timeSeconds = DEFAULT_BUDGET_SECONDS;

  let seed = p.seed ?? 0;
  if (flags.seed !== undefined) { overrides.push('seed'); seed = parseSeedFlag(flags.seed); }
  let out = p.out !== undefined ? resolvePath(specDir, p.out) : resolvePath(specDir, 'out', name);
  if (flags.out !== undefined) { overrides.push('out'); out = resolvePath(cwd, flags.out); }

  const spec = {
    file: absFile,
    name,
    task,
    dataset,
    board: structuredClone(board) as Board,
    constraints: resolveConstraints(p.constraints, board, where),
    objectives: resolveObjectives(p.objectives, task, where),
    budget,
    search: { families: [...(p.search?.families ?? FAMILIES)].filter((f, i, a) => a.indexOf(f) === i), planner: p.search?.planner ?? 'builtin' },
    features: featureBlocks(p.features, dataset, where),
    augment: { copies: p.augment?.copies ?? AUGMENT_DEFAULTS.copies, warp: p.augment?.warp ?? AUGMENT_DEFAULTS.warp, shiftMs: p.augment?.shiftMs ?? AUGMENT_DEFAULTS.shiftMs },
    seed,
    out,
    overrides: (['dataset', 'board', 'budget', 'out', 'seed'] as const).filter((k) => overrides.includes(k)),
  };
  return deepFreeze(spec) as ResolvedSpec;
}
