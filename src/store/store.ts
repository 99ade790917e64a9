/**
 * The experiment store: one SQLite file (better-sqlite3, synchronous) holding
 * runs, trials, per-rung results, per-epoch metrics, events and the artifact
 * index of `mlforge forge`. It is not the artifact writer (`artifacts.ts`) and
 * it makes no search decisions: it records them so a killed forge can resume.
 *
 * Durability: WAL journal, `synchronous = NORMAL` by default and `FULL` for the
 * commits that matter. In WAL mode every commit, at either level, survives
 * `kill -9` at any moment (the frames are in the OS page cache before COMMIT
 * returns; the next open replays the WAL). The levels differ only on a power
 * cut or OS crash: FULL fsyncs the WAL at commit. fsync is slow on shared and
 * virtual disks (50–70 ms measured on the dev VM), so per-epoch curve points,
 * heartbeats, events and trial starts commit at NORMAL (losing the last few to a
 * power cut only means a rerun of an unfinished rung), while `createRun`,
 * `finishTrial`, `failTrial`, `setRunStatus`, `resumeRun` and caller
 * `transaction`s commit at FULL, which also makes every earlier commit durable
 * (one WAL file, synced to its end). Readers (dashboard, `mlforge runs`) never
 * block the writer and see the last committed state; writers wait up to
 * `busyTimeoutMs` for each other. Multi-row writes run in `BEGIN IMMEDIATE`.
 */
import { createRequire } from 'node:module';
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { hostname } from 'node:os';
import { z } from 'zod';
import { MlforgeError } from '../errors.js';
import {
  APPLICATION_ID, ArtifactRow, EventRow, MIGRATIONS, NewArtifact, NewRun, NewTrial, ResultRow, RunRow, RunSummary,
  TrialMetrics, TrialRow, canonicalJson, migrate, newerError, schemaVersion,
  type Json, type MetricRow, type RunStatus, type SqliteDatabase, type SqliteStatement, type TrialStatus,
} from './schema.js';

type SqliteOpen = new (file: string, options: { readonly?: boolean; fileMustExist?: boolean; timeout?: number }) => SqliteDatabase;

/** The default file name of a store inside an output folder. */
export const STORE_FILE = 'mlforge.db';

export interface StoreOptions {
  /** Open for reading only (dashboard, `mlforge runs`): the file must exist and be current. */
  readonly?: boolean;
  /** How long a write waits for another process's write (default 5000 ms). */
  busyTimeoutMs?: number;
}

const now = (): string => new Date().toISOString();

/** Validates an input row; a mistake reads "expected … for WHAT.field", not a zod dump. */
function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const i = r.error.issues[0]!;
  throw new MlforgeError('BAD_INPUT', `${what}${i.path.length ? '.' + i.path.join('.') : ''}: ${i.message}`);
}
const HOST = hostname();

/** Loads better-sqlite3 on first use, so importing MLForge needs no native SQLite. */
export function openSqlite(file: string, options: { readonly?: boolean; fileMustExist?: boolean; timeout?: number }): SqliteDatabase {
  let Database: SqliteOpen;
  try {
    Database = createRequire(import.meta.url)('better-sqlite3') as SqliteOpen;
  } catch (e) {
    throw new MlforgeError('TOOL', `cannot load better-sqlite3: ${(e as Error).message}`, 'run `npm rebuild better-sqlite3`');
  }
  try {
    return new Database(file, options);
  } catch (e) {
    throw sqliteError(file, e);
  }
}

/** Maps a SQLite failure to one clear line naming the file; other errors pass through. */
export function sqliteError(file: string, e: unknown): Error {
  if (e instanceof MlforgeError || !(e instanceof Error)) return e as Error;
  const code = (e as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return e;
  if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) {
    return new MlforgeError('BAD_FILE', `${file}: expected an MLForge store (SQLite database), got a damaged or foreign file (${e.message})`,
      'move the file aside and start a new run, or restore it from a backup');
  }
  if (code.startsWith('SQLITE_CANTOPEN')) return new MlforgeError('NOT_FOUND', `${file}: cannot open the store (${e.message})`, 'check the path and its permissions');
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new MlforgeError('INTERNAL', `${file}: the store stayed locked by another process (${e.message})`, 'another mlforge is writing to it; retry, or raise busyTimeoutMs');
  }
  return new MlforgeError('INTERNAL', `${file}: ${e.message} (${code})`);
}

/** Opens (creating when missing, unless read-only) and checks an MLForge store file. */
function openChecked(file: string, readonly: boolean, busyTimeoutMs: number): SqliteDatabase {
  if (existsSync(file) && statSync(file).isDirectory()) throw new MlforgeError('BAD_FILE', `${file}: expected an MLForge store file, got a folder`, `pass ${file}/${STORE_FILE}`);
  if (readonly && !existsSync(file)) throw new MlforgeError('NOT_FOUND', `${file}: no MLForge store here`, 'run `mlforge forge` first, or pass the output folder of a run');
  if (!existsSync(dirname(file))) throw new MlforgeError('NOT_FOUND', `${file}: folder ${dirname(file)} does not exist`, 'create the output folder first');
  const db = openSqlite(file, { readonly, fileMustExist: readonly, timeout: busyTimeoutMs });
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    const appId = db.pragma('application_id', { simple: true }) as number; // a non-database fails here
    const objects = (db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n;
    if (appId !== APPLICATION_ID && (appId !== 0 || objects > 0 || readonly)) {
      throw new MlforgeError('BAD_FILE', `${file}: expected an MLForge store, got ${objects > 0 ? 'the SQLite database of another program' : 'an empty database'}`,
        'pass the store MLForge created (mlforge.db in the output folder)');
    }
    if (!readonly) {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new MlforgeError('UNSUPPORTED', `${file}: SQLite cannot use WAL mode here (got ${String(mode)})`, 'put the output folder on a local disk');
    }
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    if (readonly) {
      const found = schemaVersion(db);
      const latest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
      if (found.version > latest) throw newerError(file, found, latest);
      if (found.version < latest) throw new MlforgeError('UNSUPPORTED', `${file}: store schema v${found.version} is older than v${latest}`, 'open it once read-write (e.g. `mlforge forge --resume`) to migrate it');
    } else {
      migrate(db, file);
    }
    return db;
  } catch (e) {
    db.close();
    throw sqliteError(file, e);
  }
}

// ---- row mapping: SQL columns → camelCase → zod ------------------------------

type Raw = Record<string, unknown>;
const json = (v: unknown): Json => JSON.parse(v as string) as Json;
const RUN_COLS = `id, created_at AS createdAt, updated_at AS updatedAt, status, spec_json AS spec, spec_hash AS specHash,
  dataset_hash AS datasetHash, seed, versions_json AS versions, out_dir AS outDir, pid, host`;
const TRIAL_COLS = `id, run_id AS runId, key, seq, family, model_json AS model, hparams_json AS hparams, status, rung, attempts,
  pid, host, heartbeat_at AS heartbeatAt, started_at AS startedAt, finished_at AS finishedAt, error, created_at AS createdAt`;
const RESULT_COLS = `trial_id AS trialId, rung, epochs, float_accuracy AS floatAccuracy, int8_accuracy AS int8Accuracy, loss,
  sram_bytes AS sramBytes, flash_bytes AS flashBytes, latency_ms AS latencyMs, macs, params, feasible, seconds,
  extra_json AS extra, finished_at AS finishedAt`;
const ARTIFACT_COLS = 'id, run_id AS runId, trial_id AS trialId, kind, path, sha256, bytes, created_at AS createdAt';
const toRun = (r: Raw): RunRow => RunRow.parse({ ...r, spec: json(r.spec), versions: json(r.versions) });
const toTrial = (r: Raw): TrialRow => TrialRow.parse({ ...r, model: json(r.model), hparams: json(r.hparams) });
const toResult = (r: Raw): ResultRow => ResultRow.parse({ ...r, feasible: r.feasible === 1, extra: json(r.extra) });

/**
 * An open experiment store. Synchronous (better-sqlite3): every method returns
 * when its write is committed.
 * @example
 * const store = Store.open(join(outDir, STORE_FILE));
 * const run = store.createRun({ spec, specHash, datasetHash, seed: 1, versions: { mlforge: VERSION, node: process.version }, outDir });
 * const { trial } = store.upsertTrial({ runId: run.id, key: trialKey(0, proposal), seq: 0, family: 'dscnn', model, hparams });
 * store.startTrial(trial.id, 0);
 * store.finishTrial(trial.id, 0, { epochs: 4, int8Accuracy: 0.91, feasible: true });
 * store.close();
 */
export class Store {
  private readonly cache = new Map<string, SqliteStatement>();

  private constructor(private readonly db: SqliteDatabase, readonly file: string, readonly readonly: boolean) {}

  static open(file: string, options: StoreOptions = {}): Store {
    const path = resolve(file);
    const readonly = options.readonly ?? false;
    return new Store(openChecked(path, readonly, options.busyTimeoutMs ?? 5000), path, readonly);
  }

  close(): void {
    this.db.close();
  }

  /**
   * Runs `fn` in one `BEGIN IMMEDIATE` transaction committed durably (fsync);
   * store calls inside it join it.
   */
  transaction<T>(fn: () => T): T {
    return this.commit(fn, true);
  }

  /** `PRAGMA integrity_check`: ['ok'] for a healthy file. */
  check(): string[] {
    return this.q('PRAGMA integrity_check').all().map((r) => String((r as Raw).integrity_check));
  }

  info(): { file: string; schemaVersion: number; journalMode: string; synchronous: number; foreignKeys: boolean } {
    return this.guard(() => ({
      file: this.file,
      schemaVersion: schemaVersion(this.db).version,
      journalMode: String(this.db.pragma('journal_mode', { simple: true })),
      synchronous: Number(this.db.pragma('synchronous', { simple: true })),
      foreignKeys: this.db.pragma('foreign_keys', { simple: true }) === 1,
    }));
  }

  // ---- runs ------------------------------------------------------------------

  /** A new run, status `running`, id `r-YYYYMMDD-NNNN` (UTC day, per-day sequence). */
  createRun(input: NewRun): RunRow {
    const r = parse(NewRun, input, 'createRun');
    return this.transaction(() => {
      const at = now();
      const day = `r-${at.slice(0, 10).replaceAll('-', '')}-`;
      const last = this.q(`SELECT id FROM runs WHERE id LIKE ? ORDER BY length(id) DESC, id DESC LIMIT 1`).get(`${day}%`) as { id: string } | undefined;
      const id = day + String(last ? Number(last.id.slice(day.length)) + 1 : 1).padStart(4, '0');
      this.q(`INSERT INTO runs (id, created_at, updated_at, status, spec_json, spec_hash, dataset_hash, seed, versions_json, out_dir, pid, host)
        VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(id, at, at, canonicalJson(r.spec), r.specHash, r.datasetHash, r.seed, canonicalJson(r.versions), r.outDir, process.pid, HOST);
      return this.getRun(id);
    });
  }

  getRun(id: string): RunRow {
    const row = this.q(`SELECT ${RUN_COLS} FROM runs WHERE id = ?`).get(id) as Raw | undefined;
    if (!row) {
      const latest = (this.q('SELECT id FROM runs ORDER BY created_at DESC, id DESC LIMIT 3').all() as { id: string }[]).map((x) => x.id);
      throw new MlforgeError('NOT_FOUND', `no run "${id}" in ${this.file}`, latest.length ? `latest runs: ${latest.join(', ')}` : 'this store has no runs yet');
    }
    return toRun(row);
  }

  /** Every run, newest first, with trial counts by status and the best feasible int8 accuracy. */
  listRuns(): RunSummary[] {
    const rows = this.q(`SELECT ${RUN_COLS},
        coalesce(c.pending, 0) AS pending, coalesce(c.running, 0) AS running, coalesce(c.done, 0) AS done,
        coalesce(c.failed, 0) AS failed, b.best AS bestInt8Accuracy
      FROM runs r
      LEFT JOIN (SELECT run_id, sum(status = 'pending') AS pending, sum(status = 'running') AS running,
                        sum(status = 'done') AS done, sum(status = 'failed') AS failed
                 FROM trials GROUP BY run_id) c ON c.run_id = r.id
      LEFT JOIN (SELECT t.run_id, max(x.int8_accuracy) AS best FROM trial_results x JOIN trials t ON t.id = x.trial_id
                 WHERE x.feasible = 1 GROUP BY t.run_id) b ON b.run_id = r.id
      ORDER BY r.created_at DESC, r.id DESC`).all() as Raw[];
    return rows.map(({ pending, running, done, failed, bestInt8Accuracy, ...r }) => RunSummary.parse({
      ...toRun(r), trials: { pending, running, done, failed }, bestInt8Accuracy,
    }));
  }

  /** `running` records this process as the run's owner; other statuses clear it. */
  setRunStatus(id: string, status: RunStatus): void {
    const live = status === 'running';
    this.transaction(() => {
      const { changes } = this.q('UPDATE runs SET status = ?, updated_at = ?, pid = ?, host = ? WHERE id = ?')
        .run(status, now(), live ? process.pid : null, live ? HOST : null, id);
      if (changes === 0) this.getRun(id);
    });
  }

  /**
   * Takes a run over after a crash: refuses a run whose owner process is still
   * alive on this machine (unless `force`), resets its interrupted trials to
   * `pending` (dropping the partial curves of the interrupted rung) and marks
   * the run `running` by this process. One transaction.
   */
  resumeRun(id: string, options: { force?: boolean } = {}): { run: RunRow; reset: TrialRow[] } {
    return this.transaction(() => {
      const run = this.getRun(id);
      if (!options.force && run.status === 'running' && run.pid !== null && run.pid !== process.pid && run.host === HOST && alive(run.pid)) {
        throw new MlforgeError('BAD_INPUT', `run ${id} is still being forged by process ${run.pid} on this machine`, `wait for it or stop it (kill ${run.pid}); if that pid is not mlforge, resume with force`);
      }
      const reset = this.interruptedTrials(id);
      for (const t of reset) {
        this.q('DELETE FROM metrics WHERE trial_id = ? AND rung = ?').run(t.id, t.rung);
        this.q(`UPDATE trials SET status = 'pending', pid = NULL, host = NULL, heartbeat_at = NULL WHERE id = ?`).run(t.id);
      }
      this.setRunStatus(id, 'running');
      this.appendEvent(id, 'resume', { reset: reset.map((t) => t.key) });
      return { run: this.getRun(id), reset: reset.map((t) => this.getTrial(t.id)) };
    });
  }

  appendEvent(runId: string, kind: string, data: Json = null): number {
    return Number(this.q('INSERT INTO run_events (run_id, at, kind, data_json) VALUES (?, ?, ?, ?)').run(runId, now(), kind, canonicalJson(data)).lastInsertRowid);
  }

  /** Events after `afterId` (to tail a live run), oldest first. */
  listEvents(runId: string, afterId = 0): EventRow[] {
    const rows = this.q('SELECT id, run_id AS runId, at, kind, data_json AS data FROM run_events WHERE run_id = ? AND id > ? ORDER BY id').all(runId, afterId) as Raw[];
    return rows.map((r) => EventRow.parse({ ...r, data: json(r.data) }));
  }

  // ---- trials ----------------------------------------------------------------

  /**
   * Inserts the trial unless (runId, key) exists; either way returns the row.
   * The same seq with another key means the proposal sequence diverged.
   */
  upsertTrial(input: NewTrial): { trial: TrialRow; created: boolean } {
    const t = parse(NewTrial, input, 'upsertTrial');
    return this.commit(() => {
      const existing = this.q(`SELECT ${TRIAL_COLS} FROM trials WHERE run_id = ? AND (key = ? OR seq = ?)`).all(t.runId, t.key, t.seq) as Raw[];
      const same = existing.find((r) => r.key === t.key);
      if (same) return { trial: toTrial(same), created: false };
      if (existing.length > 0) {
        throw new MlforgeError('BAD_INPUT', `run ${t.runId}: proposal ${t.seq} is "${t.key}" now but was "${String(existing[0]!.key)}" before`,
          'the run is not replaying the same proposals: resume with the same spec, dataset, seed and MLForge version');
      }
      const { lastInsertRowid } = this.q(`INSERT INTO trials (run_id, key, seq, family, model_json, hparams_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
        .run(t.runId, t.key, t.seq, t.family, canonicalJson(t.model), canonicalJson(t.hparams), now());
      return { trial: this.getTrial(Number(lastInsertRowid)), created: true };
    }, false);
  }

  getTrial(id: number): TrialRow {
    const row = this.q(`SELECT ${TRIAL_COLS} FROM trials WHERE id = ?`).get(id) as Raw | undefined;
    if (!row) throw new MlforgeError('NOT_FOUND', `no trial ${id} in ${this.file}`);
    return toTrial(row);
  }

  /** Trials of a run in proposal order, optionally only those with `status`. */
  listTrials(runId: string, status?: TrialStatus): TrialRow[] {
    const rows = status
      ? this.q(`SELECT ${TRIAL_COLS} FROM trials WHERE run_id = ? AND status = ? ORDER BY seq`).all(runId, status)
      : this.q(`SELECT ${TRIAL_COLS} FROM trials WHERE run_id = ? ORDER BY seq`).all(runId);
    return (rows as Raw[]).map(toTrial);
  }

  /** Trials left `running`: after a crash, those whose rung never finished. */
  interruptedTrials(runId: string): TrialRow[] {
    return this.listTrials(runId, 'running');
  }

  /** Marks a rung of the trial running by this process (counts an attempt). */
  startTrial(id: number, rung: number): TrialRow {
    const at = now();
    const { changes } = this.q(`UPDATE trials SET status = 'running', rung = ?, attempts = attempts + 1, pid = ?, host = ?,
        heartbeat_at = ?, started_at = ?, finished_at = NULL, error = NULL WHERE id = ?`).run(rung, process.pid, HOST, at, at, id);
    if (changes === 0) this.getTrial(id);
    return this.getTrial(id);
  }

  heartbeat(id: number): void {
    this.q('UPDATE trials SET heartbeat_at = ? WHERE id = ?').run(now(), id);
  }

  /**
   * Records the rung's result and marks the trial done, in one transaction.
   * Returns false (and changes nothing) when that rung already has a result:
   * a result is recorded once, even if a retried job reports it twice.
   */
  finishTrial(id: number, rung: number, metrics: TrialMetrics): boolean {
    const m = parse(TrialMetrics, metrics, `finishTrial(${id}, ${rung})`);
    return this.transaction(() => {
      this.getTrial(id);
      const at = now();
      const { changes } = this.q(`INSERT INTO trial_results (trial_id, rung, epochs, float_accuracy, int8_accuracy, loss, sram_bytes, flash_bytes,
          latency_ms, macs, params, feasible, seconds, extra_json, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (trial_id, rung) DO NOTHING`)
        .run(id, rung, m.epochs, m.floatAccuracy, m.int8Accuracy, m.loss, m.sramBytes, m.flashBytes, m.latencyMs, m.macs, m.params,
          m.feasible ? 1 : 0, m.seconds, canonicalJson(m.extra), at);
      if (changes === 0) return false;
      this.q(`UPDATE trials SET status = 'done', rung = ?, pid = NULL, host = NULL, finished_at = ?, error = NULL WHERE id = ?`).run(rung, at, id);
      return true;
    });
  }

  failTrial(id: number, message: string): void {
    this.transaction(() => {
      const { changes } = this.q(`UPDATE trials SET status = 'failed', pid = NULL, host = NULL, finished_at = ?, error = ? WHERE id = ?`).run(now(), message, id);
      if (changes === 0) this.getTrial(id);
    });
  }

  getResult(trialId: number, rung: number): ResultRow | undefined {
    const row = this.q(`SELECT ${RESULT_COLS} FROM trial_results WHERE trial_id = ? AND rung = ?`).get(trialId, rung) as Raw | undefined;
    return row && toResult(row);
  }

  /** Every rung result of a run, by proposal order then rung. */
  listResults(runId: string): ResultRow[] {
    const rows = this.q(`SELECT ${RESULT_COLS.replace(/(^|,\s*)(\w+)/g, '$1x.$2')} FROM trial_results x JOIN trials t ON t.id = x.trial_id
      WHERE t.run_id = ? ORDER BY t.seq, x.rung`).all(runId) as Raw[];
    return rows.map(toResult);
  }

  /** One point of a training curve; recording it again replaces it. */
  recordMetric(trialId: number, rung: number, epoch: number, name: string, value: number): void {
    this.recordMetrics(trialId, rung, epoch, { [name]: value });
  }

  /** Several named values of one epoch, in one transaction. */
  recordMetrics(trialId: number, rung: number, epoch: number, values: Record<string, number>): void {
    for (const [name, v] of Object.entries(values)) {
      if (!Number.isFinite(v)) throw new MlforgeError('NUMERIC', `trial ${trialId} rung ${rung} epoch ${epoch}: metric "${name}" is ${v}`, 'lower the learning rate or check the data');
    }
    const add = this.q('INSERT OR REPLACE INTO metrics (trial_id, rung, epoch, name, value) VALUES (?, ?, ?, ?, ?)');
    this.commit(() => {
      for (const [name, v] of Object.entries(values)) add.run(trialId, rung, epoch, name, v);
    }, false);
  }

  /** A trial's curves: by rung, name, epoch. */
  listMetrics(trialId: number): MetricRow[] {
    return this.q('SELECT trial_id AS trialId, rung, epoch, name, value FROM metrics WHERE trial_id = ? ORDER BY rung, name, epoch').all(trialId) as MetricRow[];
  }

  // ---- artifacts -------------------------------------------------------------

  /** Indexes a file already in place (see `artifacts.ts`); the same path again replaces its row. */
  addArtifact(input: NewArtifact): ArtifactRow {
    const a = parse(NewArtifact, input, 'addArtifact');
    return this.commit(() => {
      this.q(`INSERT INTO artifacts (run_id, trial_id, kind, path, sha256, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (run_id, path) DO UPDATE SET trial_id = excluded.trial_id, kind = excluded.kind, sha256 = excluded.sha256,
        bytes = excluded.bytes, created_at = excluded.created_at`).run(a.runId, a.trialId, a.kind, a.path, a.sha256, a.bytes, now());
      return ArtifactRow.parse(this.q(`SELECT ${ARTIFACT_COLS} FROM artifacts WHERE run_id = ? AND path = ?`).get(a.runId, a.path));
    }, false);
  }

  listArtifacts(runId: string): ArtifactRow[] {
    return (this.q(`SELECT ${ARTIFACT_COLS} FROM artifacts WHERE run_id = ? ORDER BY id`).all(runId) as Raw[]).map((r) => ArtifactRow.parse(r));
  }

  // ---- plumbing --------------------------------------------------------------

  /** A cached prepared statement whose SQLite errors name the file. */
  private q(sql: string): SqliteStatement {
    let s = this.cache.get(sql);
    if (!s) {
      const raw = this.guard(() => this.db.prepare(sql));
      s = {
        run: (...p) => this.guard(() => raw.run(...p)),
        get: (...p) => this.guard(() => raw.get(...p)),
        all: (...p) => this.guard(() => raw.all(...p)),
      };
      this.cache.set(sql, s);
    }
    return s;
  }

  /** A write transaction; `durable` fsyncs its commit (outermost only: SQLite fixes the level at BEGIN). */
  private commit<T>(fn: () => T, durable: boolean): T {
    const outer = durable && !this.db.inTransaction;
    if (outer) this.db.pragma('synchronous = FULL');
    try {
      return this.guard(() => this.db.transaction(fn).immediate());
    } finally {
      if (outer) this.db.pragma('synchronous = NORMAL');
    }
  }

  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw sqliteError(this.file, e);
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
