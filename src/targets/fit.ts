/** Fitting the cost model's per-variant linear models to measured instruction counts. */
import { MlforgeError } from '../errors.js';
import type { OpFit } from './cost.js';
import { VARIANT_FEATURES } from './op-work.js';

/**
 * Non-negative least squares on relative error: minimise Σ ((x_i·c − y_i) / y_i)²
 * with c ≥ 0. With at most 7 features every subset is solved (the NNLS optimum
 * is the unconstrained solution of one of them), which is exact and simple.
 */
export function fitNonNegative(rows: readonly (readonly number[])[], y: readonly number[]): number[] {
  const p = rows[0]?.length ?? 0;
  const a = rows.map((r, i) => r.map((v) => v / y[i]!));
  const scale = Array.from({ length: p }, (_, j) => Math.max(...a.map((r) => Math.abs(r[j]!))) || 1);
  let best: { sse: number; coef: number[] } | undefined;
  for (let mask = 1; mask < 1 << p; mask++) {
    const cols = Array.from({ length: p }, (_, j) => j).filter((j) => mask & (1 << j));
    const sol = solveLs(a.map((r) => cols.map((j) => r[j]! / scale[j]!)), a.map(() => 1));
    if (!sol || sol.some((v) => v < 0)) continue;
    const coef = new Array<number>(p).fill(0);
    cols.forEach((j, k) => { coef[j] = sol[k]! / scale[j]!; });
    const sse = a.reduce((s, r) => s + (r.reduce((t, v, j) => t + v * coef[j]!, 0) - 1) ** 2, 0);
    if (!best || sse < best.sse - 1e-15) best = { sse, coef };
  }
  if (!best) throw new MlforgeError('INTERNAL', 'no non-negative fit exists (every feature column is zero)');
  return best.coef;
}

/** Least squares by the normal equations (columns are pre-scaled); null when singular. */
function solveLs(a: readonly (readonly number[])[], b: readonly number[]): number[] | null {
  const p = a[0]!.length;
  const m: number[][] = Array.from({ length: p }, (_, i) => [
    ...Array.from({ length: p }, (_, j) => a.reduce((s, r) => s + r[i]! * r[j]!, 0)),
    a.reduce((s, r, k) => s + r[i]! * b[k]!, 0),
  ]);
  const tiny = 1e-12 * Math.max(...m.map((row, i) => Math.abs(row[i]!)));
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[piv]![c]!)) piv = r;
    if (!(Math.abs(m[piv]![c]!) > tiny)) return null;
    [m[c], m[piv]] = [m[piv]!, m[c]!];
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= p; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[p]! / row[i]!);
}

/** Fits each variant's model to measured (features, instructions) samples. */
export function fitVariants(samples: readonly { variant: string; x: Readonly<Record<string, number>>; instructions: number }[]): Record<string, OpFit> {
  const out: Record<string, OpFit> = {};
  const byVariant = new Map<string, typeof samples[number][]>();
  for (const s of samples) byVariant.set(s.variant, [...(byVariant.get(s.variant) ?? []), s]);
  for (const [variant, list] of [...byVariant].sort(([a], [b]) => a.localeCompare(b))) {
    const features = VARIANT_FEATURES[variant];
    if (!features) throw new MlforgeError('INTERNAL', `no feature list for variant ${variant}`);
    const rows = list.map((s) => features.map((f) => s.x[f] ?? 0));
    const y = list.map((s) => s.instructions);
    const coef = fitNonNegative(rows, y).map((c) => Number(c.toPrecision(6)));
    const rel = rows.map((r, i) => r.reduce((t, v, j) => t + v * coef[j]!, 0) / y[i]! - 1);
    out[variant] = {
      features: [...features], coef, samples: list.length,
      rmsRelErr: Number(Math.sqrt(rel.reduce((s, e) => s + e * e, 0) / rel.length).toFixed(4)),
      maxRelErr: Number(Math.max(...rel.map(Math.abs)).toFixed(4)),
    };
  }
  return out;
}
