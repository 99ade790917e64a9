/**
 * Everything the CLI prints goes through here: one JSON object (or line) on stdout
 * with --json, human text otherwise; progress only on a TTY stderr.
 */
import { MlforgeError, type ErrorCode } from '../errors.js';

const EXIT: Record<ErrorCode, number> = {
  BAD_INPUT: 2, BAD_SHAPE: 2, NOT_FOUND: 2, BAD_FILE: 2,
  UNSUPPORTED: 3, NUMERIC: 4, INFEASIBLE: 5, TOOL: 6, INTERNAL: 1,
};

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}

/** Prints one error line (plus a hint line) and exits; the stack only with --debug. */
export function fail(e: unknown, debug = process.argv.includes('--debug')): never {
  if (e instanceof MlforgeError) {
    process.stderr.write(`mlforge: ${e.message}\n`);
    if (e.hint) process.stderr.write(`  hint: ${e.hint}\n`);
    if (debug) process.stderr.write(`${e.stack}\n`);
    process.exit(EXIT[e.code]);
  }
  const err = e as Error;
  process.stderr.write(`mlforge: internal error: ${err?.message ?? String(e)}\n`);
  process.stderr.write(debug ? `${err?.stack}\n` : '  (run with --debug for the stack trace)\n');
  process.exit(1);
}

/** A one-line progress bar on a TTY stderr; silent otherwise. */
export class Progress {
  private readonly tty = process.stderr.isTTY === true;
  private last = 0;
  update(label: string, done: number, total: number, extra = ''): void {
    if (!this.tty) return;
    const now = Date.now();
    if (now - this.last < 100 && done < total) return;
    this.last = now;
    const width = 28;
    const filled = Math.round((done / Math.max(total, 1)) * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    process.stderr.write(`\r\x1b[2K${label} ${bar} ${done}/${total} ${extra}`);
  }
  done(line = ''): void {
    if (this.tty) process.stderr.write(`\r\x1b[2K${line}${line ? '\n' : ''}`);
  }
}

export function info(line: string): void {
  process.stderr.write(line + '\n');
}

export function parseIntArg(name: string, v: string, min = 1): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new MlforgeError('BAD_INPUT', `--${name}: expected an integer ≥ ${min}, got "${v}"`);
  return n;
}

export function parseNumArg(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new MlforgeError('BAD_INPUT', `--${name}: expected a positive number, got "${v}"`);
  return n;
}
