/**
 * Text escaping and number formatting shared by the report and its SVG plots.
 * Pure functions; every non-finite or missing number prints as an em dash, so a
 * half-filled summary still renders.
 */

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML/SVG element content and quoted attribute values. */
export const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => ESC[c]!);

export const DASH = '—';
const MINUS = '−';

const ok = (n: number | null | undefined): n is number => typeof n === 'number' && Number.isFinite(n);

/** 1234567 → "1,234,567". */
export function fmtInt(n: number | null | undefined): string {
  if (!ok(n)) return DASH;
  const s = Math.round(Math.abs(n)).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? MINUS + s : s;
}

/** Bytes in binary units: 812 → "812 B", 183296 → "179.0 KiB", 2.5e6 → "2.38 MiB". */
export function fmtBytes(n: number | null | undefined): string {
  if (!ok(n)) return DASH;
  const a = Math.abs(n);
  const sign = n < 0 ? MINUS : '';
  if (a < 1024) return `${sign}${Math.round(a)} B`;
  if (a < 1024 * 1024) return `${sign}${(a / 1024).toFixed(1)} KiB`;
  return `${sign}${(a / 1048576).toFixed(2)} MiB`;
}

/** Compact axis label for bytes: 32768 → "32 KiB", 1536 → "1.5 KiB". */
export function fmtBytesShort(n: number): string {
  if (!ok(n)) return DASH;
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1048576) return `${trim(n / 1024)} KiB`;
  return `${trim(n / 1048576)} MiB`;
}

/** Fraction as a percentage: 0.91234 → "91.2%" (digits = 1). */
export function fmtPct(x: number | null | undefined, digits = 1): string {
  return ok(x) ? `${(x * 100).toFixed(digits)}%` : DASH;
}

/** Difference of two fractions in percentage points: −0.0042 → "−0.42 pp". */
export function fmtPp(d: number | null | undefined, digits = 2): string {
  if (!ok(d)) return DASH;
  const v = (Math.abs(d) * 100).toFixed(digits);
  const zero = Number(v) === 0;
  return `${zero ? '±' : d < 0 ? MINUS : '+'}${v} pp`;
}

/** Milliseconds with three significant digits: 0.4821 → "0.482 ms", 38.47 → "38.5 ms", 1234 → "1,234 ms". */
export function fmtMs(ms: number | null | undefined): string {
  if (!ok(ms)) return DASH;
  if (Math.abs(ms) >= 1000) return `${fmtInt(ms)} ms`;
  if (ms === 0) return '0 ms';
  return `${Number(ms.toPrecision(3)).toString()} ms`;
}

/** Large counts with SI suffixes: 2_660_000 → "2.66 M", 45_300 → "45.3 k", 980 → "980". */
export function fmtCount(n: number | null | undefined): string {
  if (!ok(n)) return DASH;
  const a = Math.abs(n);
  const sign = n < 0 ? MINUS : '';
  if (a < 1000) return sign + String(Math.round(a));
  const [d, u] = a < 1e6 ? [1e3, 'k'] : a < 1e9 ? [1e6, 'M'] : [1e9, 'G'];
  return `${sign}${Number((a / d).toPrecision(3)).toString()} ${u}`;
}

/** Clock frequency: 180e6 → "180 MHz", 32768 → "32.8 kHz". */
export function fmtHz(hz: number | null | undefined): string {
  if (!ok(hz)) return DASH;
  if (hz >= 1e9) return `${trim(hz / 1e9)} GHz`;
  if (hz >= 1e6) return `${trim(hz / 1e6)} MHz`;
  if (hz >= 1e3) return `${trim(hz / 1e3)} kHz`;
  return `${hz} Hz`;
}

/** Learning rate in short scientific form: 0.003 → "3e-3", 0.0025 → "2.5e-3", 0.01 → "1e-2", 0.1 → "0.1". */
export function fmtLr(lr: number | null | undefined): string {
  if (!ok(lr)) return DASH;
  if (lr >= 0.1 && lr < 100) return String(Number(lr.toPrecision(3)));
  const [m, e] = lr.toExponential(2).split('e');
  return `${Number(m)}e${Number(e)}`;
}

/** Wall time: 42.3 → "42.3 s", 754 → "12 min 34 s", 1800 → "30 min", 4000 → "1 h 07 min". */
export function fmtDuration(s: number | null | undefined): string {
  if (!ok(s)) return DASH;
  if (s < 60) return `${Number(s.toPrecision(3))} s`;
  const total = Math.round(s);
  if (total < 3600) return total % 60 ? `${Math.floor(total / 60)} min ${String(total % 60).padStart(2, '0')} s` : `${total / 60} min`;
  const h = Math.floor(total / 3600);
  return `${h} h ${String(Math.round((total - h * 3600) / 60)).padStart(2, '0')} min`;
}

/** Shape list: [14, 14, 32] → "14×14×32". */
export const fmtShape = (shape: readonly number[]): string => (shape.length ? shape.join('×') : DASH);

/** Up to two decimals, trailing zeros dropped: 1.50 → "1.5", 2.00 → "2". */
function trim(x: number): string {
  return String(Number(x.toFixed(x >= 100 ? 0 : x >= 10 ? 1 : 2)));
}
