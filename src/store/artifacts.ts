/**
 * Artifacts on disk: files and folders placed into a run's folder so that a
 * crash never leaves a half-written one under its final name (write to a
 * hidden temp name beside it, fsync, rename, fsync the folder), with their
 * sha256 recorded in the store. This file moves bytes and hashes them; what an
 * artifact contains (C code, .tflite, reports) is decided elsewhere.
 *
 * The file lands before its row: a crash in between leaves an unindexed file
 * that the rerun overwrites, never a row pointing at a partial file.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync, cpSync, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, writeSync,
} from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { MlforgeError } from '../errors.js';
import type { ArtifactRow } from './schema.js';
import type { Store } from './store.js';

export interface ContentHash { sha256: string; bytes: number }

const TEMP = /^\..+\.(tmp|old)-\d+-[0-9a-f]{8}$/;
const tempBeside = (dest: string, tag: 'tmp' | 'old'): string =>
  join(dirname(dest), `.${basename(dest)}.${tag}-${process.pid}-${randomBytes(4).toString('hex')}`);

/** sha256 and size of one file, read in chunks. */
export function hashFile(path: string): ContentHash {
  const h = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 16);
  const fd = openSync(path, 'r');
  let bytes = 0;
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; bytes += n) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return { sha256: h.digest('hex'), bytes };
}

/** Files under `dir` (relative, '/'-separated, sorted). */
function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, prefix), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(dir, rel));
    else if (e.isFile()) out.push(rel);
    else throw new MlforgeError('UNSUPPORTED', `${join(dir, rel)}: artifacts hold regular files and folders only`);
  }
  return out;
}

/**
 * sha256 of a file, or of a folder: the hash of its `sha256  bytes  path` lines
 * (sorted paths), so equal trees give equal hashes. `bytes` is the total size.
 */
export function hashPath(path: string): ContentHash {
  if (!lstatSync(path).isDirectory()) return hashFile(path);
  const h = createHash('sha256');
  let bytes = 0;
  for (const rel of listFiles(path)) {
    const f = hashFile(join(path, ...rel.split('/')));
    h.update(`${f.sha256}  ${f.bytes}  ${rel}\n`);
    bytes += f.bytes;
  }
  return { sha256: h.digest('hex'), bytes };
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsync every file and folder under `path` (inclusive). */
function fsyncTree(path: string): void {
  if (lstatSync(path).isDirectory()) for (const rel of listFiles(path)) fsyncPath(join(path, ...rel.split('/')));
  fsyncPath(path);
}

/** Puts the finished `tmp` under the name `dest` (replacing it), durably. */
function commitRename(tmp: string, dest: string): void {
  if (existsSync(dest) && (lstatSync(tmp).isDirectory() || lstatSync(dest).isDirectory())) {
    // rename(2) cannot replace a folder: move the old one aside first. A crash
    // between the two renames leaves no `dest` (the index then reports it missing).
    const old = tempBeside(dest, 'old');
    renameSync(dest, old);
    renameSync(tmp, dest);
    rmSync(old, { recursive: true, force: true });
  } else {
    renameSync(tmp, dest);
  }
  fsyncPath(dirname(dest));
}

/** Writes `data` to `dest` atomically (temp, fsync, rename); returns its hash. */
export function writeFileAtomic(dest: string, data: string | Uint8Array): ContentHash {
  mkdirSync(dirname(dest), { recursive: true });
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const tmp = tempBeside(dest, 'tmp');
  const fd = openSync(tmp, 'wx');
  try {
    for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  commitRename(tmp, dest);
  return { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
}

/** Copies (or moves) a file or folder to `dest` atomically; returns its hash. */
export function placePath(from: string, dest: string, move = false): ContentHash {
  if (!existsSync(from)) throw new MlforgeError('NOT_FOUND', `${from}: no such file or folder to store as an artifact`);
  mkdirSync(dirname(dest), { recursive: true });
  const tmp = tempBeside(dest, 'tmp');
  let moved = false;
  if (move) {
    try {
      renameSync(from, tmp);
      moved = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e; // another file system: copy, then remove
    }
  }
  if (!moved) cpSync(from, tmp, { recursive: true, errorOnExist: true, force: false });
  try {
    fsyncTree(tmp);
  } catch (e) {
    if (!moved) rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const hash = hashPath(tmp);
  commitRename(tmp, dest);
  if (move && !moved) rmSync(from, { recursive: true, force: true });
  return hash;
}

export interface PutArtifact {
  runId: string;
  trialId?: number | null;
  kind: string;
  /** Where it goes, relative to the run folder ('trials/00007-3f9c/model.json'). */
  path: string;
  /** Either the content… */
  data?: string | Uint8Array;
  /** …or a file or folder to copy (or `move`) in. */
  from?: string;
  move?: boolean;
}

/**
 * Places an artifact in the run folder crash-safely, then indexes it with its hash.
 * @example putArtifact(store, { runId, trialId, kind: 'model', path: `trials/${key}/model.json`, data: JSON.stringify(model) })
 */
export function putArtifact(store: Store, a: PutArtifact): ArtifactRow {
  if ((a.data === undefined) === (a.from === undefined)) throw new MlforgeError('BAD_INPUT', `artifact ${a.path}: give either data or from`);
  const runDir = store.getRun(a.runId).outDir;
  const dest = join(runDir, a.path);
  const rel = relative(runDir, dest);
  if (rel.startsWith('..') || rel === '' || rel.split(sep).join('/') !== a.path) {
    throw new MlforgeError('BAD_INPUT', `artifact path "${a.path}": expected a normalized path inside the run folder ${runDir}`);
  }
  const hash = a.data !== undefined ? writeFileAtomic(dest, a.data) : placePath(a.from!, dest, a.move ?? false);
  return store.addArtifact({ runId: a.runId, trialId: a.trialId ?? null, kind: a.kind, path: a.path, ...hash });
}

export interface ArtifactProblem { path: string; problem: 'missing' | 'changed' }

/** Re-hashes every indexed artifact of a run; returns those missing or changed on disk. */
export function verifyArtifacts(store: Store, runId: string): ArtifactProblem[] {
  const runDir = store.getRun(runId).outDir;
  const problems: ArtifactProblem[] = [];
  for (const a of store.listArtifacts(runId)) {
    const p = join(runDir, a.path);
    if (!existsSync(p)) problems.push({ path: a.path, problem: 'missing' });
    else if (hashPath(p).sha256 !== a.sha256) problems.push({ path: a.path, problem: 'changed' });
  }
  return problems;
}

/** Deletes the temp files and folders crashed writes left under `dir`; returns their paths. */
export function removeTempFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const removed: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (TEMP.test(e.name)) {
      rmSync(p, { recursive: true, force: true });
      removed.push(p);
    } else if (e.isDirectory()) {
      removed.push(...removeTempFiles(p));
    }
  }
  return removed;
}
