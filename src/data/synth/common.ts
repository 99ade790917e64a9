/**
 * What the synthetic-dataset generators share: the cache folder, the settings
 * stamp that makes a rerun with the same settings a no-op, a bounded-concurrency
 * map, and CSV cells.
 *
 * The stamp (`mlforge-synth.json`) is written twice: `complete: false` before
 * the first file, `complete: true` after the last. A folder is reused only when
 * the stamp is complete and its hash equals the new settings' hash; any other
 * stamp means the generator owns the folder and may clear what it wrote
 * (the entries listed in the stamp). A non-empty folder without a stamp is
 * never touched.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { MlforgeError } from '../../errors.js';

export const STAMP_FILE = 'mlforge-synth.json';

/** ~/.cache/mlforge (or $MLFORGE_CACHE, $XDG_CACHE_HOME/mlforge), as for the built-in datasets. */
export function cacheDir(): string {
  return process.env.MLFORGE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'mlforge');
}

/** A stable JSON (sorted keys) so the hash does not depend on property order. */
function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export const settingsHash = (settings: unknown): string => createHash('sha256').update(stable(settings)).digest('hex');

export interface Stamp<S = unknown> {
  readonly generator: string;
  readonly hash: string;
  readonly settings: S;
  readonly complete: boolean;
  /** Top-level entries (folders, files) the generator wrote; cleared before a regeneration. */
  readonly owns: readonly string[];
  /** Filled when complete. */
  readonly summary?: Record<string, unknown>;
}

export function readStamp(dir: string): Stamp | undefined {
  const file = join(dir, STAMP_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as Stamp;
    return typeof s.hash === 'string' && Array.isArray(s.owns) ? s : undefined;
  } catch {
    return undefined;
  }
}

export function writeStamp(dir: string, stamp: Stamp): void {
  const file = join(dir, STAMP_FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify(stamp, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
}

/** The stamp of a finished folder made by `generator` with this hash (nothing to do), else undefined. Reads only. */
export function finishedStamp(dir: string, generator: string, hash: string): Stamp | undefined {
  const old = readStamp(dir);
  return old && old.complete && old.hash === hash && old.generator === generator ? old : undefined;
}

/** Throws unless `dir` is absent, empty, or made by `generator` (read-only: run it before slow work). */
export function assertOwnable(dir: string, generator: string): void {
  if (!existsSync(dir)) return;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (e) {
    throw new MlforgeError('BAD_INPUT', `--out ${dir}: ${(e as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'is a file, expected a folder' : (e as Error).message}`);
  }
  const old = readStamp(dir);
  if (entries.length > 0 && !old) {
    throw new MlforgeError('BAD_INPUT', `--out ${dir} is not empty and was not made by ${generator} (no ${STAMP_FILE}); refusing to write into it`, 'choose a new or empty folder');
  }
  if (old && old.generator !== generator) {
    throw new MlforgeError('BAD_INPUT', `--out ${dir} holds a ${old.generator} dataset; refusing to replace it with ${generator}`, 'choose another folder');
  }
}

/**
 * The stamp of a finished folder with the same hash (nothing to do), or
 * undefined after making `dir` ready for generation (created, or cleared of a
 * previous run's output: the entries its stamp lists). Refuses a non-empty
 * folder it did not make.
 */
export function prepareOut(dir: string, generator: string, hash: string): Stamp | undefined {
  const done = finishedStamp(dir, generator, hash);
  if (done) return done;
  assertOwnable(dir, generator);
  const old = readStamp(dir);
  if (old) {
    for (const e of old.owns) {
      // Only plain names: a stamp never makes us delete outside the folder.
      if (e && !e.includes('/') && !e.includes('\\') && e !== '..' && e !== '.') rmSync(join(dir, e), { recursive: true, force: true });
    }
    rmSync(join(dir, STAMP_FILE), { force: true });
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new MlforgeError('BAD_INPUT', `--out ${dir}: cannot create the folder: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return undefined;
}

/** Runs fn over items with at most `limit` in flight; results in input order; the first error rejects. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!, i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** A CSV cell: quoted when it holds a comma, quote or newline. */
export const csvCell = (v: string | number): string => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export const csvLine = (cells: readonly (string | number)[]): string => cells.map(csvCell).join(',');

/** Power in dB of a mean square (−∞ for silence). */
export const dB = (meanSquare: number): number => 10 * Math.log10(meanSquare);

export function meanSquare(x: ArrayLike<number>, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! * x[i]!;
  return to > from ? s / (to - from) : 0;
}
