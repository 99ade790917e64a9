/**
 * Units people write in a spec: sizes ("256KB", "1MiB", "262144"), durations
 * ("50ms", "1h30m", "90s") and clock frequencies ("64MHz", "480 MHz"). Parsers
 * return `undefined` on bad input so the caller can say which field was wrong.
 *
 * Sizes are binary, as in every MCU datasheet and devicetree: K, KB, KiB = 1024
 * bytes; M, MB, MiB = 1024² bytes. This module does no I/O and throws nothing.
 */

const SIZE_RE = /^\s*(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$/i;
const SIZE_SCALE: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Bytes from 262144, "262144", "256KB", "256 KiB", "1.5MB"; undefined when malformed or not a whole byte count ≥ 0. */
export function parseSize(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = SIZE_RE.exec(v);
  if (!m) return undefined;
  const bytes = Number(m[1]) * SIZE_SCALE[(m[2] ?? 'b')[0]!.toLowerCase()]!;
  return Number.isSafeInteger(Math.round(bytes)) ? Math.round(bytes) : undefined;
}

const DURATION_PART = /(\d+(?:\.\d+)?)\s*(ms|us|µs|h|min|m|s)/gy;
const DURATION_MS: Record<string, number> = { us: 1e-3, 'µs': 1e-3, ms: 1, s: 1e3, m: 60e3, min: 60e3, h: 3600e3 };

/**
 * Milliseconds from "50ms", "1.5s", "20m", "1h30m", "2h 15m"; a bare number (or
 * numeric string) is in `bareUnit`. Undefined when malformed or not > 0.
 */
export function parseDuration(v: unknown, bareUnit: 'ms' | 's'): number | undefined {
  const scale = bareUnit === 'ms' ? 1 : 1e3;
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? v * scale : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) > 0 ? Number(s) * scale : undefined;
  let total = 0;
  let pos = 0;
  DURATION_PART.lastIndex = 0;
  while (pos < s.length) {
    DURATION_PART.lastIndex = pos;
    const m = DURATION_PART.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * DURATION_MS[m[2]!]!;
    pos = DURATION_PART.lastIndex;
    while (s[pos] === ' ') pos++;
  }
  return s.length > 0 && total > 0 ? total : undefined;
}

const FREQ_RE = /^\s*(\d+(?:\.\d+)?)\s*(hz|khz|mhz|ghz)?\s*$/i;
const FREQ_SCALE: Record<string, number> = { hz: 1, khz: 1e3, mhz: 1e6, ghz: 1e9 };

/** Hertz from 64000000, "64MHz", "480 MHz", "32.768kHz"; undefined when malformed or not a whole number > 0. */
export function parseFrequency(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v > 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = FREQ_RE.exec(v);
  if (!m) return undefined;
  const hz = Math.round(Number(m[1]) * FREQ_SCALE[(m[2] ?? 'hz').toLowerCase()]!);
  return hz > 0 && Number.isSafeInteger(hz) ? hz : undefined;
}

/** "256 KiB", "1 MiB", "1.5 MiB", "900 B": the shortest exact-ish binary form. */
export function formatBytes(n: number): string {
  const units: [number, string][] = [[1024 ** 3, 'GiB'], [1024 ** 2, 'MiB'], [1024, 'KiB']];
  for (const [scale, unit] of units) {
    if (n >= scale) {
      const v = n / scale;
      return `${Number.isInteger(v) ? v : v.toFixed(v < 10 ? 2 : 1).replace(/\.?0+$/, '')} ${unit}`;
    }
  }
  return `${n} B`;
}

/** "1h30m", "20m", "45s", "1h0m5s" → compact h/m/s form of a number of seconds. */
export function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return [h ? `${h}h` : '', m || (h && r) ? `${m}m` : '', r || s === 0 ? `${r}s` : ''].join('');
}

/** "64 MHz", "133 MHz", "32.768 kHz". */
export function formatHz(hz: number): string {
  if (hz >= 1e6) return `${+(hz / 1e6).toFixed(3)} MHz`;
  if (hz >= 1e3) return `${+(hz / 1e3).toFixed(3)} kHz`;
  return `${hz} Hz`;
}
