/**
 * Dataset health, before any training: class balance, sample rates, clipping,
 * NaN/Inf, too-short items and exact duplicates (by content hash). Items are
 * consumed one by one (an iterable), so a large folder is never held at once.
 * The report is a plain object (for --json and the run report) with a text
 * formatter for the CLI.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { MlforgeError } from '../errors.js';

export interface HealthItem {
  /** File name, shown in the report. */
  readonly name: string;
  readonly label?: string;
  /** Hz; unknown when absent. */
  readonly sampleRate?: number;
  /** Samples, interleaved when channels > 1. */
  readonly values: Float32Array;
  readonly channels?: number;
  /** Clipped samples as the reader counted them (Wav.clipped); absent: flat tops at the peak are counted. */
  readonly clipped?: number;
}

export const HealthOptions = z.strictObject({
  kind: z.enum(['audio', 'series']).default('audio'),
  /** Shorter items are listed (needs sampleRate). */
  minSeconds: z.number().min(0).optional(),
  /** Items with fewer samples per channel are listed. */
  minSamples: z.number().int().min(0).optional(),
  /** An item counts as clipped above this fraction of clipped samples. */
  clipFraction: z.number().min(0).max(1).default(0.001),
  /** Warn when the largest class has this many times the items of the smallest. */
  imbalance: z.number().min(1).default(3),
  /** The rate features expect; other rates are flagged for resampling. */
  expectedRate: z.number().positive().optional(),
});
export type HealthOptions = z.input<typeof HealthOptions>;

export interface HealthReport {
  readonly kind: 'audio' | 'series';
  readonly items: number;
  /** Sum of durations of items with a known rate. */
  readonly seconds: number;
  readonly classes: readonly { label: string; count: number; share: number }[];
  /** Largest class count over smallest (1 with fewer than two classes). */
  readonly imbalance: number;
  readonly sampleRates: readonly { rate: number; count: number }[];
  /** Items above clipFraction, worst first. */
  readonly clipping: readonly { name: string; fraction: number }[];
  readonly nonFinite: readonly { name: string; nan: number; inf: number }[];
  readonly tooShort: readonly { name: string; samples: number }[];
  /** Groups of items with identical content. */
  readonly duplicates: readonly (readonly string[])[];
  readonly warnings: readonly string[];
}

/** Samples in runs of ≥ 3 equal values at the item's peak |value| (per channel): a saturated sensor. */
function flatTops(v: Float32Array, channels: number): number {
  let peak = 0;
  for (const x of v) if (Math.abs(x) > peak) peak = Math.abs(x);
  if (!(peak > 0) || !Number.isFinite(peak)) return 0;
  let count = 0;
  for (let ch = 0; ch < channels; ch++) {
    let run = 0;
    for (let i = ch; i < v.length; i += channels) {
      const atPeak = Math.abs(v[i]!) === peak;
      run = atPeak && run > 0 && v[i] === v[i - channels] ? run + 1 : atPeak ? 1 : 0;
      if (run === 3) count += 3;
      else if (run > 3) count++;
    }
  }
  return count;
}

export function datasetHealth(items: Iterable<HealthItem>, options: HealthOptions = {}): HealthReport {
  const parsed = HealthOptions.safeParse(options);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new MlforgeError('BAD_INPUT', `health options${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`);
  }
  const o = parsed.data;
  const classes = new Map<string, number>();
  const rates = new Map<number, number>();
  const hashes = new Map<string, string[]>();
  const clipping: { name: string; fraction: number }[] = [];
  const nonFinite: { name: string; nan: number; inf: number }[] = [];
  const tooShort: { name: string; samples: number }[] = [];
  let count = 0;
  let seconds = 0;
  for (const it of items) {
    count++;
    const channels = it.channels ?? 1;
    const frames = Math.floor(it.values.length / channels);
    if (it.label !== undefined) classes.set(it.label, (classes.get(it.label) ?? 0) + 1);
    if (it.sampleRate !== undefined) {
      rates.set(it.sampleRate, (rates.get(it.sampleRate) ?? 0) + 1);
      seconds += frames / it.sampleRate;
    }
    let nan = 0;
    let inf = 0;
    for (const x of it.values) {
      if (Number.isNaN(x)) nan++;
      else if (!Number.isFinite(x)) inf++;
    }
    if (nan || inf) nonFinite.push({ name: it.name, nan, inf });
    const clipped = it.clipped ?? flatTops(it.values, channels);
    if (it.values.length && clipped / it.values.length > o.clipFraction) clipping.push({ name: it.name, fraction: clipped / it.values.length });
    const short = (o.minSamples !== undefined && frames < o.minSamples)
      || (o.minSeconds !== undefined && it.sampleRate !== undefined && frames / it.sampleRate < o.minSeconds);
    if (short) tooShort.push({ name: it.name, samples: frames });
    const h = createHash('sha256').update(String(channels)).update(new Uint8Array(it.values.buffer, it.values.byteOffset, it.values.byteLength)).digest('base64');
    const same = hashes.get(h);
    if (same) same.push(it.name);
    else hashes.set(h, [it.name]);
  }
  clipping.sort((a, b) => b.fraction - a.fraction);
  const classList = [...classes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([label, n]) => ({ label, count: n, share: n / count }));
  const imbalance = classList.length > 1 ? classList[0]!.count / classList[classList.length - 1]!.count : 1;
  const sampleRates = [...rates].sort((a, b) => b[1] - a[1]).map(([rate, n]) => ({ rate, count: n }));
  const duplicates = [...hashes.values()].filter((g) => g.length > 1);

  const warnings: string[] = [];
  if (count === 0) warnings.push('no items');
  if (classList.length === 1) warnings.push(`one class only ("${classList[0]!.label}")`);
  if (imbalance >= o.imbalance) warnings.push(`class imbalance ${imbalance.toFixed(1)}×: "${classList[0]!.label}" ${classList[0]!.count} vs "${classList[classList.length - 1]!.label}" ${classList[classList.length - 1]!.count}`);
  if (sampleRates.length > 1) warnings.push(`${sampleRates.length} sample rates (${sampleRates.map((r) => `${fmtRate(r.rate)} Hz`).join(', ')})`);
  const off = o.expectedRate === undefined ? 0 : sampleRates.filter((r) => r.rate !== o.expectedRate).reduce((n, r) => n + r.count, 0);
  if (off) warnings.push(`${off} item(s) not at ${fmtRate(o.expectedRate!)} Hz will be resampled`);
  if (clipping.length) warnings.push(`${clipping.length} clipped item(s), worst ${clipping[0]!.name} (${pct(clipping[0]!.fraction)})`);
  if (nonFinite.length) warnings.push(`${nonFinite.length} item(s) with NaN/Inf values, e.g. ${nonFinite[0]!.name}`);
  if (tooShort.length) warnings.push(`${tooShort.length} item(s) too short, e.g. ${tooShort[0]!.name}`);
  if (duplicates.length) warnings.push(`${duplicates.reduce((n, g) => n + g.length - 1, 0)} duplicate item(s), e.g. ${duplicates[0]!.slice(0, 2).join(' = ')}`);
  return { kind: o.kind, items: count, seconds, classes: classList, imbalance, sampleRates, clipping, nonFinite, tooShort, duplicates, warnings };
}

const pct = (f: number) => `${(100 * f).toFixed(f < 0.01 ? 2 : 1)}%`;
const fmtRate = (r: number) => (Number.isInteger(r) ? String(r) : r.toFixed(2));

/** Text for the CLI: a summary, then each finding with at most `maxList` examples. */
export function formatHealth(r: HealthReport, maxList = 5): string {
  const list = <T>(xs: readonly T[], f: (x: T) => string) =>
    [...xs.slice(0, maxList).map((x) => `    ${f(x)}`), ...(xs.length > maxList ? [`    … ${xs.length - maxList} more`] : [])];
  const lines = [`${r.kind} dataset: ${r.items} item(s)${r.seconds ? `, ${r.seconds.toFixed(1)} s` : ''}`];
  if (r.classes.length) {
    lines.push(`  classes: ${r.classes.length} (imbalance ${r.imbalance.toFixed(1)}×)`);
    lines.push(...r.classes.map((c) => `    ${c.label.padEnd(16)} ${String(c.count).padStart(6)}  ${pct(c.share)}`));
  }
  if (r.sampleRates.length) lines.push(`  sample rates: ${r.sampleRates.map((s) => `${fmtRate(s.rate)} Hz × ${s.count}`).join(', ')}`);
  lines.push(`  clipped: ${r.clipping.length}`, ...list(r.clipping, (c) => `${c.name}  ${pct(c.fraction)}`));
  lines.push(`  NaN/Inf: ${r.nonFinite.length}`, ...list(r.nonFinite, (c) => `${c.name}  ${c.nan} NaN, ${c.inf} Inf`));
  lines.push(`  too short: ${r.tooShort.length}`, ...list(r.tooShort, (c) => `${c.name}  ${c.samples} samples`));
  lines.push(`  duplicates: ${r.duplicates.length} group(s)`, ...list(r.duplicates, (g) => g.join(' = ')));
  lines.push(r.warnings.length ? `  warnings:\n${r.warnings.map((w) => `    ! ${w}`).join('\n')}` : '  no warnings');
  return lines.join('\n');
}
