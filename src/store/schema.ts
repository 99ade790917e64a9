/**
 * The experiment store's rows: one zod schema per table (types inferred), the
 * inputs the store accepts, the SQL DDL and its forward migrations (and the
 * function applying them to an open connection), and the deterministic trial
 * key. This file does not open files (that is `store.ts`) nor touch artifacts
 * on disk (`artifacts.ts`).
 *
 * Timestamps are ISO-8601 UTC strings; JSON columns hold canonical JSON text
 * (sorted keys) and come back parsed.
 */
import { createHash } from 'node:crypto';
import { isAbsolute, normalize } from 'node:path';
import { z } from 'zod';
import { MlforgeError } from '../errors.js';
import { VERSION } from '../version.js';

/** SQLite `PRAGMA application_id` of an MLForge store: 'MLFG'. */
export const APPLICATION_ID = 0x4d4c4647;

const Json = z.json();
export type Json = z.infer<typeof Json>;
const Count = z.number().int().nonnegative();
const Name = z.string().regex(/^[a-z][a-z0-9_.-]*$/, 'lowercase letters, digits, _ . - (starting with a letter)');
const Time = z.string();

export const RunStatus = z.enum(['running', 'done', 'failed', 'interrupted']);
export type RunStatus = z.infer<typeof RunStatus>;
export const TrialStatus = z.enum(['pending', 'running', 'done', 'failed']);
export type TrialStatus = z.infer<typeof TrialStatus>;

/** `r-YYYYMMDD-NNNN`: UTC creation day and a per-day sequence number. */
export const RunId = z.string().regex(/^r-\d{8}-\d{4,}$/, 'a run id like r-20261122-0001');

// ---- inputs ------------------------------------------------------------------

export const NewRun = z.object({
  spec: Json,
  specHash: z.string().min(1),
  datasetHash: z.string().min(1),
  seed: z.number().int(),
  versions: z.object({ mlforge: z.string(), node: z.string() }).catchall(z.string()),
  /** The run's folder (absolute); artifact paths are relative to it. */
  outDir: z.string().refine(isAbsolute, 'an absolute path'),
}).strict();
export type NewRun = z.input<typeof NewRun>;

export const NewTrial = z.object({
  runId: RunId,
  /** Deterministic identity within the run: see `trialKey`. */
  key: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'letters, digits, _ . : - (at most 128)'),
  /** Position in the run's proposal sequence (0-based). */
  seq: Count,
  family: z.string().min(1),
  model: Json,
  hparams: z.record(z.string(), Json).default({}),
}).strict();
export type NewTrial = z.input<typeof NewTrial>;

const Fraction = z.number().min(0).max(1);
/** What one rung of a trial produced: `finishTrial(id, rung, metrics)`. */
export const TrialMetrics = z.object({
  epochs: Count,
  floatAccuracy: Fraction.nullable().default(null),
  int8Accuracy: Fraction.nullable().default(null),
  loss: z.number().nullable().default(null),
  sramBytes: Count.nullable().default(null),
  flashBytes: Count.nullable().default(null),
  latencyMs: z.number().nonnegative().nullable().default(null),
  macs: Count.nullable().default(null),
  params: Count.nullable().default(null),
  feasible: z.boolean(),
  seconds: z.number().nonnegative().nullable().default(null),
  /** Task-specific numbers (MAE, AUC, per-class recall…). */
  extra: z.record(z.string(), Json).default({}),
}).strict();
export type TrialMetrics = z.input<typeof TrialMetrics>;

const RelPath = z.string().min(1).refine(
  (p) => !isAbsolute(p) && normalize(p) === p && !p.startsWith('..') && !p.includes('\\'),
  'a normalized path relative to the run folder (no "..")',
);
export const NewArtifact = z.object({
  runId: RunId,
  trialId: z.number().int().positive().nullable().default(null),
  /** e.g. model, weights, tflite, c, zephyr, arduino, report, summary, log. */
  kind: Name,
  path: RelPath,
  sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits'),
  bytes: Count,
}).strict();
export type NewArtifact = z.input<typeof NewArtifact>;

// ---- rows --------------------------------------------------------------------

export const RunRow = z.object({
  id: RunId,
  createdAt: Time,
  updatedAt: Time,
  status: RunStatus,
  spec: Json,
  specHash: z.string(),
  datasetHash: z.string(),
  seed: z.number().int(),
  versions: z.record(z.string(), z.string()),
  outDir: z.string(),
  /** The process that last set the run running, to refuse resuming a live run. */
  pid: z.number().int().nullable(),
  host: z.string().nullable(),
});
export type RunRow = z.infer<typeof RunRow>;

export const RunSummary = RunRow.extend({
  trials: z.object({ pending: Count, running: Count, done: Count, failed: Count }),
  /** Best int8 accuracy over feasible results of any rung; null when none. */
  bestInt8Accuracy: z.number().nullable(),
});
export type RunSummary = z.infer<typeof RunSummary>;

export const TrialRow = z.object({
  id: z.number().int().positive(),
  runId: RunId,
  key: z.string(),
  seq: Count,
  family: z.string(),
  model: Json,
  hparams: z.record(z.string(), Json),
  status: TrialStatus,
  /** The rung last started (null before the first start). */
  rung: Count.nullable(),
  /** How many times a rung of this trial was started (reruns after a crash count). */
  attempts: Count,
  pid: z.number().int().nullable(),
  host: z.string().nullable(),
  heartbeatAt: Time.nullable(),
  startedAt: Time.nullable(),
  finishedAt: Time.nullable(),
  error: z.string().nullable(),
  createdAt: Time,
});
export type TrialRow = z.infer<typeof TrialRow>;

export const ResultRow = TrialMetrics.extend({
  trialId: z.number().int().positive(),
  rung: Count,
  finishedAt: Time,
}).strip();
export type ResultRow = z.infer<typeof ResultRow>;

export const MetricRow = z.object({
  trialId: z.number().int().positive(),
  rung: Count,
  epoch: Count,
  name: z.string(),
  value: z.number(),
});
export type MetricRow = z.infer<typeof MetricRow>;

export const EventRow = z.object({
  id: z.number().int().positive(),
  runId: RunId,
  at: Time,
  kind: z.string(),
  data: Json,
});
export type EventRow = z.infer<typeof EventRow>;

export const ArtifactRow = z.object({
  id: z.number().int().positive(),
  runId: RunId,
  trialId: z.number().int().positive().nullable(),
  kind: z.string(),
  path: z.string(),
  sha256: z.string(),
  bytes: Count,
  createdAt: Time,
});
export type ArtifactRow = z.infer<typeof ArtifactRow>;

// ---- keys --------------------------------------------------------------------

/** JSON with object keys sorted at every level: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
  });
}

export const sha256Hex = (text: string | Uint8Array): string => createHash('sha256').update(text).digest('hex');

/**
 * The deterministic key of the `seq`-th proposal of a run: its sequence number
 * and a hash of its canonical JSON. The same seed replays the same keys, so a
 * resumed run finds the trials it already has.
 * @example trialKey(7, { family: 'dscnn', model, hparams }) // '00007-3f9c2a1b0d4e'
 */
export function trialKey(seq: number, proposal: unknown): string {
  return `${String(seq).padStart(5, '0')}-${sha256Hex(canonicalJson(proposal)).slice(0, 12)}`;
}

// ---- DDL and migrations ------------------------------------------------------

/** A forward migration: `sql` turns schema `version - 1` into `version`. */
export interface Migration { readonly version: number; readonly sql: string }

/** Created before any migration; one row per migration applied. */
export const VERSION_TABLE = `CREATE TABLE IF NOT EXISTS schema_version (
  version    INTEGER PRIMARY KEY,
  applied_at TEXT NOT NULL,
  mlforge    TEXT NOT NULL
) STRICT;`;

const V1 = `
CREATE TABLE runs (
  id           TEXT PRIMARY KEY,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('running','done','failed','interrupted')),
  spec_json    TEXT NOT NULL,
  spec_hash    TEXT NOT NULL,
  dataset_hash TEXT NOT NULL,
  seed         INTEGER NOT NULL,
  versions_json TEXT NOT NULL,
  out_dir      TEXT NOT NULL,
  pid          INTEGER,
  host         TEXT
) STRICT;

CREATE TABLE run_events (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id    TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  at        TEXT NOT NULL,
  kind      TEXT NOT NULL,
  data_json TEXT NOT NULL
) STRICT;
CREATE INDEX run_events_run ON run_events(run_id, id);

CREATE TABLE trials (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id       TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key          TEXT NOT NULL,
  seq          INTEGER NOT NULL CHECK (seq >= 0),
  family       TEXT NOT NULL,
  model_json   TEXT NOT NULL,
  hparams_json TEXT NOT NULL,
  status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','running','done','failed')),
  rung         INTEGER CHECK (rung >= 0),
  attempts     INTEGER NOT NULL DEFAULT 0,
  pid          INTEGER,
  host         TEXT,
  heartbeat_at TEXT,
  started_at   TEXT,
  finished_at  TEXT,
  error        TEXT,
  created_at   TEXT NOT NULL,
  UNIQUE (run_id, key),
  UNIQUE (run_id, seq)
) STRICT;
CREATE INDEX trials_status ON trials(run_id, status);

CREATE TABLE trial_results (
  trial_id       INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  rung           INTEGER NOT NULL CHECK (rung >= 0),
  epochs         INTEGER NOT NULL,
  float_accuracy REAL,
  int8_accuracy  REAL,
  loss           REAL,
  sram_bytes     INTEGER,
  flash_bytes    INTEGER,
  latency_ms     REAL,
  macs           INTEGER,
  params         INTEGER,
  feasible       INTEGER NOT NULL CHECK (feasible IN (0, 1)),
  seconds        REAL,
  extra_json     TEXT NOT NULL,
  finished_at    TEXT NOT NULL,
  PRIMARY KEY (trial_id, rung)
) STRICT;

CREATE TABLE metrics (
  trial_id INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  rung     INTEGER NOT NULL,
  epoch    INTEGER NOT NULL,
  name     TEXT NOT NULL,
  value    REAL NOT NULL,
  PRIMARY KEY (trial_id, rung, name, epoch)
) STRICT, WITHOUT ROWID;

CREATE TABLE artifacts (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id     TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  trial_id   INTEGER REFERENCES trials(id) ON DELETE CASCADE,
  kind       TEXT NOT NULL,
  path       TEXT NOT NULL,
  sha256     TEXT NOT NULL,
  bytes      INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (run_id, path)
) STRICT;
CREATE INDEX artifacts_trial ON artifacts(trial_id);
`;

/** Every migration, in order; the last one's version is `SCHEMA_VERSION`. Never edit a shipped one: append. */
export const MIGRATIONS: readonly Migration[] = [{ version: 1, sql: V1 }];
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

// The part of better-sqlite3's API the store uses (the package ships no types).
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}
export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): void;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction<F extends (...args: never[]) => unknown>(fn: F): F & { immediate: F };
  close(): void;
  readonly inTransaction: boolean;
}

const now = (): string => new Date().toISOString();
const one = <T>(db: SqliteDatabase, sql: string): T => db.prepare(sql).get() as T;

/** The schema version of an open database (0 when it has none yet) and who wrote it. */
export function schemaVersion(db: SqliteDatabase): { version: number; by: string | null } {
  const has = one<{ n: number }>(db, `SELECT count(*) AS n FROM sqlite_schema WHERE name = 'schema_version'`).n > 0;
  if (!has) return { version: 0, by: null };
  const row = one<{ version: number; mlforge: string } | undefined>(db, 'SELECT version, mlforge FROM schema_version ORDER BY version DESC LIMIT 1');
  return { version: row?.version ?? 0, by: row?.mlforge ?? null };
}

export function newerError(file: string, found: { version: number; by: string | null }, latest: number): MlforgeError {
  return new MlforgeError('UNSUPPORTED',
    `${file}: store schema v${found.version} was written by MLForge ${found.by ?? '?'}; this MLForge ${VERSION} reads store schema up to v${latest}`,
    'upgrade MLForge to open this store, or use a new output folder');
}

/**
 * Brings a read-write database up to the last of `migrations`, all in one
 * transaction (a crash leaves the old version intact). Returns the versions.
 */
export function migrate(db: SqliteDatabase, file: string, migrations: readonly Migration[] = MIGRATIONS): { from: number; to: number } {
  const latest = migrations[migrations.length - 1]!.version;
  const before = schemaVersion(db);
  if (before.version > latest) throw newerError(file, before, latest);
  if (before.version === latest) return { from: latest, to: latest };
  return db.transaction(() => {
    db.exec(VERSION_TABLE);
    const current = schemaVersion(db); // re-read under the write lock: another process may have migrated
    if (current.version > latest) throw newerError(file, current, latest);
    const add = db.prepare('INSERT INTO schema_version (version, applied_at, mlforge) VALUES (?, ?, ?)');
    for (const m of migrations) {
      if (m.version <= current.version) continue;
      db.exec(m.sql);
      add.run(m.version, now(), VERSION);
    }
    db.pragma(`application_id = ${APPLICATION_ID}`);
    return { from: current.version, to: latest };
  }).immediate();
}

