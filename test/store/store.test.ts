import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MlforgeError } from '../../src/errors.js';
import { SCHEMA_VERSION, Store, trialKey } from '../../src/store/index.js';
import { MIGRATIONS, migrate, type SqliteDatabase } from '../../src/store/schema.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlforge-store-'));
  file = join(dir, 'mlforge.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const Database = createRequire(import.meta.url)('better-sqlite3') as new (f: string, o?: { readonly?: boolean; timeout?: number }) => SqliteDatabase;
const count = (db: SqliteDatabase, sql: string): number => (db.prepare(sql).get() as { n: number }).n;

const newRun = (store: Store) => store.createRun({
  spec: { task: 'kws', board: 'nano33' }, specHash: 'spec-1', datasetHash: 'data-1', seed: 1,
  versions: { mlforge: '0.1.0', node: process.version }, outDir: join(dir, 'run'),
});
const proposal = (seq: number) => ({ family: 'dscnn', model: { layers: [{ type: 'dense', name: 'out', units: seq + 1 }] }, hparams: { lr: 0.01 } });
const addTrial = (store: Store, runId: string, seq: number) => store.upsertTrial({ runId, key: trialKey(seq, proposal(seq)), seq, ...proposal(seq) });

const err = (f: () => unknown): MlforgeError => {
  try { f(); } catch (e) { if (e instanceof MlforgeError) return e; throw e; }
  throw new Error('expected an MlforgeError');
};

describe('store: opening', () => {
  it('creates a current schema in WAL mode with foreign keys on', () => {
    const store = Store.open(file);
    expect(store.info()).toEqual({ file, schemaVersion: SCHEMA_VERSION, journalMode: 'wal', synchronous: 1, foreignKeys: true });
    expect(store.check()).toEqual(['ok']);
    store.close();
    const again = Store.open(file, { readonly: true });
    expect(again.info().journalMode).toBe('wal');
    again.close();
  });

  it('a store from a newer MLForge is one UNSUPPORTED error naming the file and versions', () => {
    Store.open(file).close();
    const db = new Database(file);
    db.prepare('INSERT INTO schema_version (version, applied_at, mlforge) VALUES (?, ?, ?)').run(SCHEMA_VERSION + 1, 'now', '9.9.9');
    db.close();
    for (const readonly of [false, true]) {
      const e = err(() => Store.open(file, { readonly }));
      expect(e.code).toBe('UNSUPPORTED');
      expect(e.message).toBe(`${file}: store schema v${SCHEMA_VERSION + 1} was written by MLForge 9.9.9; this MLForge 0.1.0 reads store schema up to v${SCHEMA_VERSION}`);
      expect(e.hint).toContain('upgrade MLForge');
    }
  });

  it('applies forward migrations in order, each run all-or-nothing', () => {
    const store = Store.open(file);
    const run = newRun(store);
    addTrial(store, run.id, 0);
    store.close();
    const db = new Database(file);
    const v2 = [...MIGRATIONS, { version: SCHEMA_VERSION + 1, sql: 'ALTER TABLE trials ADD COLUMN note TEXT' }];
    expect(migrate(db, file, v2)).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION + 1 });
    expect(migrate(db, file, v2)).toEqual({ from: SCHEMA_VERSION + 1, to: SCHEMA_VERSION + 1 });
    expect(count(db, 'SELECT count(*) AS n FROM trials WHERE note IS NULL')).toBe(1);
    const broken = [...v2, { version: SCHEMA_VERSION + 2, sql: 'CREATE TABLE half (x); INSERT INTO missing VALUES (1);' }];
    expect(() => migrate(db, file, broken)).toThrow(/missing/);
    expect(count(db, 'SELECT max(version) AS n FROM schema_version')).toBe(SCHEMA_VERSION + 1);
    expect(count(db, `SELECT count(*) AS n FROM sqlite_schema WHERE name = 'half'`)).toBe(0);
    db.close();
  });

  it('a file of random bytes is one BAD_FILE error naming the file', () => {
    writeFileSync(file, randomBytes(16384));
    for (const readonly of [false, true]) {
      const e = err(() => Store.open(file, { readonly }));
      expect(e.code).toBe('BAD_FILE');
      expect(e.message).toBe(`${file}: expected an MLForge store (SQLite database), got a damaged or foreign file (file is not a database)`);
      expect(e.hint).toContain('move the file aside');
    }
    writeFileSync(file, Buffer.concat([Buffer.from('SQLite format 3\0'), randomBytes(8192)]));
    expect(err(() => Store.open(file)).code).toBe('BAD_FILE');
  });

  it('damage inside a store is BAD_FILE naming the file, at open or at the first read', () => {
    const store = Store.open(file);
    const run = newRun(store);
    for (let i = 0; i < 200; i++) addTrial(store, run.id, i);
    store.close();
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(4096 * 20, 0xa5), 0, 4096 * 20, 4096 * 2); // pages 3–22: no valid b-tree page
    closeSync(fd);
    let e: MlforgeError | undefined;
    try {
      const damaged = Store.open(file);
      expect(damaged.check()).not.toEqual(['ok']);
      damaged.listTrials(run.id);
      damaged.close();
    } catch (x) {
      if (!(x instanceof MlforgeError)) throw x;
      e = x;
    }
    expect(e?.code).toBe('BAD_FILE');
    expect(e?.message).toContain(file);
  });

  it('names a foreign database, a folder, a missing store and a missing folder', () => {
    const other = join(dir, 'other.db');
    const db = new Database(other);
    db.exec('CREATE TABLE users (name TEXT)');
    db.close();
    expect(err(() => Store.open(other)).message).toBe(`${other}: expected an MLForge store, got the SQLite database of another program`);
    mkdirSync(join(dir, 'folder.db'));
    expect(err(() => Store.open(join(dir, 'folder.db'))).code).toBe('BAD_FILE');
    expect(err(() => Store.open(file, { readonly: true })).code).toBe('NOT_FOUND');
    expect(err(() => Store.open(join(dir, 'nope', 'mlforge.db'))).message).toContain('does not exist');
  });
});

describe('store: concurrency (WAL)', () => {
  it('a reader sees the last commit while a writer is inside a transaction', () => {
    const writer = Store.open(file);
    const run = newRun(writer);
    addTrial(writer, run.id, 0);
    const reader = Store.open(file, { readonly: true });
    writer.transaction(() => {
      addTrial(writer, run.id, 1);
      addTrial(writer, run.id, 2);
      expect(reader.listTrials(run.id).map((t) => t.seq)).toEqual([0]);
    });
    expect(reader.listTrials(run.id).map((t) => t.seq)).toEqual([0, 1, 2]);
    reader.close();
    writer.close();
  });

  it('an open read transaction does not block a commit, and keeps its snapshot', () => {
    const writer = Store.open(file, { busyTimeoutMs: 100 });
    const run = newRun(writer);
    const { trial } = addTrial(writer, run.id, 0);
    const reader = new Database(file, { readonly: true });
    reader.exec('BEGIN');
    expect(count(reader, 'SELECT count(*) AS n FROM trial_results')).toBe(0);
    writer.startTrial(trial.id, 0);
    expect(writer.finishTrial(trial.id, 0, { epochs: 3, int8Accuracy: 0.9, feasible: true })).toBe(true); // a rollback journal would be BUSY here
    expect(count(reader, 'SELECT count(*) AS n FROM trial_results')).toBe(0);
    reader.exec('COMMIT');
    expect(count(reader, 'SELECT count(*) AS n FROM trial_results')).toBe(1);
    reader.close();
    writer.close();
  });
});

describe('store: runs and trials', () => {
  it('gives readable per-day run ids and lists runs newest first', () => {
    const store = Store.open(file);
    const a = newRun(store);
    const b = newRun(store);
    const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
    expect([a.id, b.id]).toEqual([`r-${day}-0001`, `r-${day}-0002`]);
    expect(store.getRun(a.id)).toEqual(a);
    expect(a).toMatchObject({ status: 'running', seed: 1, spec: { board: 'nano33', task: 'kws' }, pid: process.pid });
    expect(store.listRuns().map((r) => r.id)).toEqual([b.id, a.id]);
    store.setRunStatus(a.id, 'done');
    expect(store.getRun(a.id)).toMatchObject({ status: 'done', pid: null, host: null });
    const e = err(() => store.getRun('r-20200101-0001'));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.hint).toBe(`latest runs: ${b.id}, ${a.id}`);
    store.close();
  });

  it('upsertTrial is idempotent by (run, key) and refuses a diverging sequence', () => {
    const store = Store.open(file);
    const run = newRun(store);
    const first = addTrial(store, run.id, 0);
    const again = addTrial(store, run.id, 0);
    expect(first.created).toBe(true);
    expect(again).toEqual({ trial: first.trial, created: false });
    expect(store.listTrials(run.id)).toHaveLength(1);
    const e = err(() => store.upsertTrial({ runId: run.id, key: trialKey(0, proposal(5)), seq: 0, ...proposal(5) }));
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toContain(`proposal 0 is "${trialKey(0, proposal(5))}" now but was "${first.trial.key}" before`);
    expect(trialKey(3, { b: 1, a: [1, { d: 2, c: 3 }] })).toBe(trialKey(3, { a: [1, { c: 3, d: 2 }], b: 1 }));
    store.close();
  });

  it('records each rung once, per-epoch curves, and summarises runs', () => {
    const store = Store.open(file);
    const run = newRun(store);
    const [t0, t1, t2] = [0, 1, 2].map((i) => addTrial(store, run.id, i).trial);
    addTrial(store, run.id, 3);
    for (const t of [t0!, t1!]) store.startTrial(t.id, 0);
    store.recordMetrics(t0!.id, 0, 0, { loss: 1.5, accuracy: 0.4 });
    store.recordMetric(t0!.id, 0, 1, 'loss', 0.9);
    store.recordMetric(t0!.id, 0, 1, 'loss', 0.8); // replaces
    expect(store.finishTrial(t0!.id, 0, { epochs: 2, floatAccuracy: 0.82, int8Accuracy: 0.8, sramBytes: 20_000, feasible: true, extra: { mae: 0.1 } })).toBe(true);
    expect(store.finishTrial(t0!.id, 0, { epochs: 2, int8Accuracy: 0.99, feasible: true })).toBe(false);
    store.finishTrial(t1!.id, 0, { epochs: 2, int8Accuracy: 0.95, feasible: false });
    store.failTrial(t2!.id, 'NaN loss at epoch 3');
    expect(store.getResult(t0!.id, 0)).toMatchObject({ int8Accuracy: 0.8, floatAccuracy: 0.82, sramBytes: 20_000, latencyMs: null, feasible: true, extra: { mae: 0.1 } });
    expect(store.listResults(run.id).map((r) => [r.trialId, r.rung])).toEqual([[t0!.id, 0], [t1!.id, 0]]);
    expect(store.listMetrics(t0!.id).map((m) => [m.name, m.epoch, m.value])).toEqual([['accuracy', 0, 0.4], ['loss', 0, 1.5], ['loss', 1, 0.8]]);
    expect(store.getTrial(t2!.id)).toMatchObject({ status: 'failed', error: 'NaN loss at epoch 3' });
    const [summary] = store.listRuns();
    expect(summary!.trials).toEqual({ pending: 1, running: 0, done: 2, failed: 1 });
    expect(summary!.bestInt8Accuracy).toBe(0.8); // 0.95 was infeasible
    expect(err(() => store.recordMetric(t0!.id, 0, 2, 'loss', Number.NaN)).code).toBe('NUMERIC');
    store.close();
  });

  it('detects interrupted trials and resets them for a rerun on resume', () => {
    const crashed = Store.open(file);
    const run = newRun(crashed);
    const a = addTrial(crashed, run.id, 0).trial;
    const b = addTrial(crashed, run.id, 1).trial;
    crashed.startTrial(a.id, 0);
    crashed.recordMetrics(a.id, 0, 0, { loss: 1 });
    crashed.startTrial(b.id, 0);
    crashed.recordMetrics(b.id, 0, 0, { loss: 1 });
    crashed.finishTrial(b.id, 0, { epochs: 1, int8Accuracy: 0.7, feasible: true });
    crashed.startTrial(b.id, 1); // promoted, then the process dies
    crashed.recordMetrics(b.id, 1, 0, { loss: 0.5 });
    crashed.close();

    const store = Store.open(file);
    expect(store.interruptedTrials(run.id).map((t) => [t.seq, t.rung])).toEqual([[0, 0], [1, 1]]);
    const { reset } = store.resumeRun(run.id);
    expect(reset.map((t) => [t.seq, t.status, t.rung, t.attempts])).toEqual([[0, 'pending', 0, 1], [1, 'pending', 1, 2]]);
    expect(store.interruptedTrials(run.id)).toEqual([]);
    expect(store.listMetrics(a.id)).toEqual([]);
    expect(store.listMetrics(b.id).map((m) => m.rung)).toEqual([0]); // rung 0 kept, partial rung 1 dropped
    expect(store.getResult(b.id, 0)?.int8Accuracy).toBe(0.7);
    expect(store.listEvents(run.id).map((e) => [e.kind, e.data])).toEqual([['resume', { reset: [a.key, b.key] }]]);
    store.close();
  });

  it('refuses to resume a run whose owner process is alive on this machine', () => {
    const store = Store.open(file);
    const run = newRun(store);
    const db = new Database(file);
    db.prepare('UPDATE runs SET pid = ? WHERE id = ?').run(process.ppid, run.id);
    db.close();
    const e = err(() => store.resumeRun(run.id));
    expect(e.message).toBe(`run ${run.id} is still being forged by process ${process.ppid} on this machine`);
    expect(store.resumeRun(run.id, { force: true }).run.pid).toBe(process.pid);
    store.close();
  });

  it('keeps events in order and tails them', () => {
    const store = Store.open(file);
    const run = newRun(store);
    const first = store.appendEvent(run.id, 'propose', { seq: 0 });
    store.appendEvent(run.id, 'log', 'epoch 1/4');
    expect(store.listEvents(run.id).map((e) => e.kind)).toEqual(['propose', 'log']);
    expect(store.listEvents(run.id, first).map((e) => e.data)).toEqual(['epoch 1/4']);
    store.close();
  });

  it('bad input is BAD_INPUT naming the call and field', () => {
    const store = Store.open(file);
    const run = newRun(store);
    const e = err(() => store.createRun({ spec: {}, specHash: 'h', datasetHash: 'd', seed: 1, versions: { mlforge: '0', node: '20' }, outDir: 'relative/dir' }));
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toBe('createRun.outDir: an absolute path');
    expect(err(() => store.addArtifact({ runId: run.id, kind: 'model', path: '../x', sha256: 'a'.repeat(64), bytes: 1 })).message)
      .toBe('addArtifact.path: a normalized path relative to the run folder (no "..")');
    expect(err(() => store.startTrial(999, 0)).code).toBe('NOT_FOUND');
    store.close();
  });
});
