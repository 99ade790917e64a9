/**
 * Crash safety: a child process (fixtures/crash-writer.ts) replays a fixed
 * proposal sequence into a store and is killed with SIGKILL at random moments,
 * several rounds; a parent connection reads while it writes. After every kill
 * the file must pass integrity_check, every (trial, rung) the child printed as
 * committed must be there, no row may be duplicated, and every indexed
 * artifact must match its hash. A last uninterrupted run completes the
 * sequence; one more run of the same sequence must add nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store, verifyArtifacts } from '../../src/store/index.js';
import type { SqliteDatabase } from '../../src/store/schema.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));
const TRIALS = 18;
const ROUNDS = 8;
// A round is killed 3–14 commits after "ready" plus 0–25 ms, so each makes progress and dies mid-run
// (18 trials are ~130 commits) at a random point: inside a commit, an epoch, or an artifact write.
const kill = (): { after: number; ms: number } => ({ after: 3 + Math.floor(Math.random() * 12), ms: Math.floor(Math.random() * 26) });

// The fixture's schedule: rung 0 for all, rung 1 for every third, rung 2 for every ninth; 2·2^rung epochs; 2 metrics.
const rungs = (seq: number): number[] => [0, ...(seq % 3 === 0 ? [1] : []), ...(seq % 9 === 0 ? [2] : [])];
const seqs = Array.from({ length: TRIALS }, (_, i) => i);
const EXPECTED = {
  results: seqs.reduce((n, s) => n + rungs(s).length, 0),
  metrics: seqs.reduce((n, s) => n + rungs(s).reduce((m, r) => m + 2 * (2 << r), 0), 0),
  artifacts: seqs.filter((s) => s % 3 === 0).length,
};

const Database = createRequire(import.meta.url)('better-sqlite3') as new (f: string, o?: { readonly?: boolean }) => SqliteDatabase;

interface Child { lines: string[]; signal: NodeJS.Signals | null; code: number | null; stderr: string; polls: number; pollErrors: string[] }

let dir: string;
let file: string;
let runDir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlforge-crash-'));
  file = join(dir, 'mlforge.db');
  runDir = join(dir, 'run');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the writer; SIGKILLs it `ms` after its `after`-th line past "ready" (never when null); polls a reader meanwhile. */
function runChild(killAt: { after: number; ms: number } | null): Promise<Child> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, file, runDir, String(TRIALS)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Child = { lines: [], signal: null, code: null, stderr: '', polls: 0, pollErrors: [] };
    let buf = '';
    let reader: Store | undefined;
    let poller: NodeJS.Timeout | undefined;
    let lastDone = 0;
    let sinceReady = -1;
    const poll = (): void => {
      try {
        reader ??= Store.open(file, { readonly: true });
        const run = reader.listRuns()[0]!;
        const done = reader.listResults(run.id).length;
        if (done < lastDone) out.pollErrors.push(`results went from ${lastDone} to ${done}`);
        lastDone = done;
        out.polls++;
      } catch (e) {
        out.pollErrors.push(String(e));
      }
    };
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      for (let i; (i = buf.indexOf('\n')) >= 0; buf = buf.slice(i + 1)) {
        const line = buf.slice(0, i);
        out.lines.push(line);
        if (line === 'ready') {
          sinceReady = 0;
          poller = setInterval(poll, 40);
        } else if (sinceReady >= 0 && ++sinceReady === killAt?.after) {
          setTimeout(() => child.kill('SIGKILL'), killAt.ms);
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { out.stderr += d; });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(poller);
      reader?.close();
      resolve({ ...out, code, signal });
    });
  });
}

/** The state after a round, checked against everything the children printed as committed. */
function inspect(committed: Set<string>) {
  const store = Store.open(file, { readonly: true });
  const db = new Database(file, { readonly: true });
  try {
    const integrity = store.check();
    const run = store.listRuns()[0]!;
    const trials = store.listTrials(run.id);
    const byId = new Map(trials.map((t) => [t.id, t]));
    const results = store.listResults(run.id);
    const have = new Set(results.map((r) => `${byId.get(r.trialId)!.key} ${r.rung}`));
    const lost = [...committed].filter((k) => !have.has(k));
    const n = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
    const duplicates = n('SELECT count(*) - count(DISTINCT key) AS n FROM trials') + n('SELECT count(*) - count(DISTINCT seq) AS n FROM trials')
      + n('SELECT count(*) AS n FROM (SELECT 1 FROM metrics GROUP BY trial_id, rung, name, epoch HAVING count(*) > 1)')
      + n('SELECT count(*) AS n FROM (SELECT 1 FROM trial_results GROUP BY trial_id, rung HAVING count(*) > 1)')
      + n('SELECT count(*) AS n FROM (SELECT 1 FROM artifacts GROUP BY run_id, path HAVING count(*) > 1)');
    // a finished rung has its whole curve and nothing else; a partial curve belongs only to a rung left running
    const badCurves = results.filter((r) => store.listMetrics(r.trialId).filter((m) => m.rung === r.rung).length !== 2 * r.epochs);
    // files under their final names are whole (a torn write would not parse)
    const torn: string[] = [];
    const trialDir = join(runDir, 'trials');
    for (const key of existsSync(trialDir) ? readdirSync(trialDir) : []) {
      for (const f of readdirSync(join(trialDir, key)).filter((x) => !x.startsWith('.'))) {
        try { if ((JSON.parse(readFileSync(join(trialDir, key, f), 'utf8')) as { key: string }).key !== key) torn.push(f); } catch { torn.push(f); }
      }
    }
    return {
      run, integrity, lost, duplicates, badCurves: badCurves.length, torn, artifactProblems: verifyArtifacts(store, run.id),
      trials: trials.length, running: trials.filter((t) => t.status === 'running').length, results: results.length,
      metrics: n('SELECT count(*) AS n FROM metrics'), artifacts: store.listArtifacts(run.id).length,
    };
  } finally {
    db.close();
    store.close();
  }
}

const doneLines = (c: Child): string[] => c.lines.filter((l) => l.startsWith('done ')).map((l) => l.slice(5));

describe('store: crash safety under SIGKILL', () => {
  it(`loses no committed trial and duplicates nothing over ${ROUNDS} kill rounds, then resumes to completion`, async () => {
    const committed = new Set<string>();
    const log: string[] = [];
    let interrupted = 0;
    let resets = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const at = kill();
      const t0 = Date.now();
      const child = await runChild(at);
      expect(child.stderr).toBe('');
      expect(child.signal).toBe('SIGKILL'); // died mid-run, not at the end
      expect(child.pollErrors).toEqual([]);
      resets += Number(child.lines.find((l) => l.startsWith('reset '))?.slice(6) ?? 0);
      for (const k of doneLines(child)) committed.add(k);
      const s = inspect(committed);
      interrupted += s.running;
      log.push(`round ${round}: killed ${at.ms} ms after commit ${at.after} (${child.lines.at(-1)}), +${doneLines(child).length} rungs, `
        + `${s.results} results, ${s.running} left running, ${child.polls} reader polls, ${Date.now() - t0} ms`);
      expect(s.integrity).toEqual(['ok']);
      expect(s.lost).toEqual([]);
      expect(s.duplicates).toBe(0);
      expect(s.badCurves).toBe(0);
      expect(s.torn).toEqual([]);
      expect(s.artifactProblems).toEqual([]);
      expect(s.running).toBeLessThanOrEqual(1);
    }
    console.log(log.join('\n'));
    const last = await runChild(null);
    expect(last.stderr).toBe('');
    expect(last.code).toBe(0);
    resets += Number(last.lines.find((l) => l.startsWith('reset '))?.slice(6) ?? 0);
    expect(interrupted).toBeGreaterThan(0); // some kills hit a trial mid-rung…
    expect(resets).toBe(interrupted); // …and every one of them was reset by the next run
    for (const k of doneLines(last)) committed.add(k);
    const full = inspect(committed);
    expect(full).toMatchObject({ integrity: ['ok'], lost: [], duplicates: 0, badCurves: 0, torn: [], artifactProblems: [], running: 0 });
    expect({ trials: full.trials, results: full.results, metrics: full.metrics, artifacts: full.artifacts })
      .toEqual({ trials: TRIALS, ...EXPECTED });
    expect(full.run.status).toBe('done');

    const replay = await runChild(null);
    expect(replay.code).toBe(0);
    expect(replay.lines).toEqual(['reset 0', 'ready', 'finished created=0']);
    const after = inspect(committed);
    expect({ trials: after.trials, results: after.results, metrics: after.metrics, artifacts: after.artifacts })
      .toEqual({ trials: TRIALS, ...EXPECTED });
  }, 600_000); // ~15 s on an idle machine; child start-up dominates on a loaded one
});
