import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MlforgeError } from '../../src/errors.js';
import { hashPath, putArtifact, removeTempFiles, Store, verifyArtifacts, writeFileAtomic } from '../../src/store/index.js';

let dir: string;
let store: Store;
let runId: string;
let runDir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlforge-artifacts-'));
  runDir = join(dir, 'run');
  store = Store.open(join(dir, 'mlforge.db'));
  runId = store.createRun({ spec: {}, specHash: 'h', datasetHash: 'd', seed: 0, versions: { mlforge: '0.1.0', node: process.version }, outDir: runDir }).id;
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const sha = (b: string | Buffer): string => createHash('sha256').update(b).digest('hex');
const tree = (root: string, files: Record<string, string>): string => {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
};

describe('artifacts', () => {
  it('writes files atomically, replaces them, and leaves no temp file', () => {
    const dest = join(runDir, 'a', 'model.json');
    expect(writeFileAtomic(dest, '{"v":1}')).toEqual({ sha256: sha('{"v":1}'), bytes: 7 });
    expect(writeFileAtomic(dest, new Uint8Array([1, 2, 3]))).toEqual({ sha256: sha(Buffer.from([1, 2, 3])), bytes: 3 });
    expect(readFileSync(dest)).toEqual(Buffer.from([1, 2, 3]));
    expect(readdirSync(join(runDir, 'a'))).toEqual(['model.json']);
  });

  it('indexes data, copied and moved files and folders with their hashes', () => {
    const model = putArtifact(store, { runId, kind: 'model', path: 'trials/t0/model.json', data: '{"layers":[]}' });
    expect(model).toMatchObject({ runId, trialId: null, kind: 'model', sha256: sha('{"layers":[]}'), bytes: 13 });

    const src = tree(join(dir, 'export'), { 'model.h': '#pragma once\n', 'src/model.c': 'int x;\n' });
    const copied = putArtifact(store, { runId, kind: 'c', path: 'export/c', from: src });
    expect(existsSync(src)).toBe(true);
    expect(copied.bytes).toBe(20);
    expect(copied.sha256).toBe(hashPath(src).sha256); // same tree, same hash, wherever it is
    const moved = putArtifact(store, { runId, kind: 'c', path: 'export/c2', from: src, move: true });
    expect(existsSync(src)).toBe(false);
    expect(moved.sha256).toBe(copied.sha256);
    expect(readFileSync(join(runDir, 'export/c2/src/model.c'), 'utf8')).toBe('int x;\n');

    // the same path again replaces file and row
    const again = putArtifact(store, { runId, kind: 'c', path: 'export/c', data: 'now a file' });
    expect(again.id).toBe(copied.id);
    expect(store.listArtifacts(runId).map((a) => [a.path, a.bytes])).toEqual([['trials/t0/model.json', 13], ['export/c', 10], ['export/c2', 20]]);
    expect(verifyArtifacts(store, runId)).toEqual([]);
  });

  it('verifyArtifacts reports changed and missing files', () => {
    putArtifact(store, { runId, kind: 'model', path: 'm1.json', data: '1' });
    putArtifact(store, { runId, kind: 'model', path: 'm2.json', data: '2' });
    writeFileSync(join(runDir, 'm1.json'), '11');
    rmSync(join(runDir, 'm2.json'));
    expect(verifyArtifacts(store, runId)).toEqual([{ path: 'm1.json', problem: 'changed' }, { path: 'm2.json', problem: 'missing' }]);
  });

  it('refuses paths outside the run folder', () => {
    for (const path of ['../escape.json', '/etc/passwd', 'a/../../b', './x']) {
      const e = (() => { try { putArtifact(store, { runId, kind: 'model', path, data: 'x' }); } catch (x) { return x; } })();
      expect(e).toBeInstanceOf(MlforgeError);
      expect((e as MlforgeError).code).toBe('BAD_INPUT');
    }
    expect(existsSync(join(dir, 'escape.json'))).toBe(false);
  });

  it('removeTempFiles deletes what a crashed write left, and nothing else', () => {
    tree(runDir, { 'a/.model.json.tmp-123-0a1b2c3d': 'half', 'a/model.json': 'whole', '.c.old-9-deadbeef/x.c': '', 'b/.hidden': '' });
    expect(removeTempFiles(runDir).map((p) => p.slice(runDir.length + 1)).sort()).toEqual(['.c.old-9-deadbeef', 'a/.model.json.tmp-123-0a1b2c3d']);
    expect(readdirSync(join(runDir, 'a'))).toEqual(['model.json']);
    expect(readdirSync(join(runDir, 'b'))).toEqual(['.hidden']);
  });
});
