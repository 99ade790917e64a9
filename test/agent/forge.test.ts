import { describe, expect, it, beforeAll } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { mlforge, lastJson, repoRoot } from '../helpers/cli.js';
import { Store, STORE_FILE } from '../../src/store/index.js';
import { Rng } from '../../src/util/random.js';

/** Three Gaussian blobs in 12 dimensions: an MLP learns it in a few epochs. */
function blobsCsv(file: string, n = 900): void {
  const rng = new Rng(3);
  const centers = Array.from({ length: 3 }, () => Array.from({ length: 12 }, () => rng.normal() * 1.5));
  const rows = ['f0,f1,f2,f3,f4,f5,f6,f7,f8,f9,f10,f11,label'];
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    rows.push([...centers[k]!.map((c) => (c + rng.normal()).toFixed(4)), `c${k}`].join(','));
  }
  writeFileSync(file, rows.join('\n') + '\n');
}

const resultsOf = (store: Store, runId: string) =>
  new Map(store.listResults(runId).map((r) => [`${r.trialId}:${r.rung}`, r.floatAccuracy]));

describe('mlforge forge', () => {
  let dir: string;
  let csv: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mlforge-forge-'));
    csv = join(dir, 'blobs.csv');
    blobsCsv(csv);
  });

  it('searches, quantizes and exports a model that fits, with summary, report, C and .tflite', async () => {
    const out = join(dir, 'a');
    const r = await mlforge(['forge', '--dataset', csv, '--board', 'nrf52840dk/nrf52840', '--budget', '10 trials', '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const s = lastJson<{ runId: string; accuracyInt8: number; fits: boolean; exportDir: string; tflite: string; report: string; trials: number; sramBytes: number; flashBytes: number }>(r.stdout);
    expect(s.fits).toBe(true);
    expect(s.accuracyInt8).toBeGreaterThan(0.9);
    expect(s.trials).toBe(10);
    for (const f of [join(s.exportDir, 'c', 'model.c'), s.tflite, s.report, join(out, s.runId, 'summary.json')]) expect(existsSync(f), f).toBe(true);
    const summary = JSON.parse(readFileSync(join(out, s.runId, 'summary.json'), 'utf8'));
    expect(summary.chosen.sramBytes).toBeLessThanOrEqual(summary.constraints.sramBytes);
    expect(summary.front.length).toBeGreaterThan(0);
    expect(summary.notes[0]).toMatch(/10 trained, of which 0 flagged infeasible/);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events[0].kind).toBe('start');
    expect(events.filter((e) => e.kind === 'trial').length).toBeGreaterThanOrEqual(10);
    const store = Store.open(join(out, STORE_FILE), { readonly: true });
    expect(store.listTrials(s.runId).length).toBe(10);
    store.close();
    const runs = await mlforge(['runs', '--out', out, '--json']);
    expect(runs.code).toBe(0);
    expect(JSON.parse(runs.stdout)[0]).toMatchObject({ id: s.runId, status: 'done' });
  });

  it('survives SIGKILL at random points: resuming loses no finished rung, adds no duplicate, replays the same proposals', async () => {
    const out = join(dir, 'kill');
    const args = ['forge', '--dataset', csv, '--board', 'nrf52840dk/nrf52840', '--budget', '12 trials', '--out', out, '--json'];
    const rng = new Rng(11);
    let runId: string | undefined;
    let before = new Map<string, number | null>();
    let kills = 0;
    for (let round = 0; round < 8; round++) {
      const child = spawn(process.execPath, [resolve(repoRoot, 'bin/mlforge.js'), ...args, ...(runId ? ['--resume', runId] : [])], { cwd: repoRoot });
      let stdout = '';
      let timer: NodeJS.Timeout | undefined;
      // The clock starts at the run's first event, so every kill lands inside the search.
      child.stdout.on('data', (d) => {
        stdout += d;
        timer ??= setTimeout(() => child.kill('SIGKILL'), 300 + rng.next() * 3000);
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
      clearTimeout(timer);
      runId ??= JSON.parse(stdout.split('\n')[0]!).runId as string;
      const store = Store.open(join(out, STORE_FILE), { readonly: true });
      const after = resultsOf(store, runId);
      for (const [k, v] of before) expect(after.get(k), `result ${k} lost after round ${round}`).toBe(v);
      const keys = store.listTrials(runId).map((t) => t.key);
      expect(new Set(keys).size).toBe(keys.length);
      store.close();
      before = after;
      if (code === 0) break;
      expect(code, stderr).toBeNull();
      kills++;
    }
    expect(kills).toBeGreaterThan(0);
    // Finish if the kills left it unfinished, then compare with an uninterrupted run of the same seed.
    const fin = await mlforge([...args, '--resume', runId!]);
    expect(fin.code, fin.stderr).toBe(0);
    const clean = await mlforge(['forge', '--dataset', csv, '--board', 'nrf52840dk/nrf52840', '--budget', '12 trials', '--out', join(dir, 'clean'), '--json']);
    expect(clean.code, clean.stderr).toBe(0);
    const a = Store.open(join(out, STORE_FILE), { readonly: true });
    const b = Store.open(join(dir, 'clean', STORE_FILE), { readonly: true });
    const cleanRun = b.listRuns()[0]!.id;
    expect(a.listTrials(runId!).map((t) => t.key)).toEqual(b.listTrials(cleanRun).map((t) => t.key));
    const attempts = a.listTrials(runId!).reduce((n, t) => n + t.attempts, 0);
    console.log(`forge kill test: ${kills} SIGKILLs, ${a.listTrials(runId!).length} trials, ${attempts} rung starts, 0 lost, 0 duplicates`);
    a.close();
    b.close();
  }, 600_000);

  it('says before training when nothing fits, and by how much', async () => {
    const spec = join(dir, 'tiny.yaml');
    writeFileSync(spec, `dataset: ${csv}\nboard: nrf52840dk/nrf52840\nconstraints:\n  sramBytes: 64B\n`);
    const r = await mlforge(['forge', spec, '--out', join(dir, 'tiny')]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/nothing fits nrf52840dk\/nrf52840.*SRAM needs ≥ \d+ B, limit 64 B \(over by \d+ B\)/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('names close boards for an unknown board', async () => {
    const r = await mlforge(['forge', '--dataset', csv, '--board', 'nrf52840dk', '--out', join(dir, 'x')]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/nrf52840dk\/nrf52840/);
  });
});
