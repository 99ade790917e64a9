/**
 * Pareto dominance over named objectives, each maximised or minimised
 * (e.g. int8 accuracy ↑, SRAM ↓, flash ↓, latency ↓).
 */
export interface Objective { readonly key: string; readonly goal: 'max' | 'min'; }

export type Point = Readonly<Record<string, number>>;

/** a dominates b: no worse in every objective and better in at least one. */
export function dominates(a: Point, b: Point, objectives: readonly Objective[]): boolean {
  let better = false;
  for (const o of objectives) {
    const [x, y] = [a[o.key]!, b[o.key]!];
    if (o.goal === 'max' ? x < y : x > y) return false;
    if (x !== y) better = true;
  }
  return better;
}

/** Indices of the non-dominated points, in input order. */
export function paretoFront(points: readonly Point[], objectives: readonly Objective[]): number[] {
  return points.map((_, i) => i).filter((i) => !points.some((q, j) => j !== i && dominates(q, points[i]!, objectives)));
}

/** Non-dominated sorting ranks (0 = front), for selecting parents beyond the front. */
export function paretoRanks(points: readonly Point[], objectives: readonly Objective[]): number[] {
  const rank = new Array<number>(points.length).fill(-1);
  let remaining = points.map((_, i) => i);
  for (let r = 0; remaining.length > 0; r++) {
    const front = remaining.filter((i) => !remaining.some((j) => j !== i && dominates(points[j]!, points[i]!, objectives)));
    for (const i of front) rank[i] = r;
    remaining = remaining.filter((i) => rank[i] === -1);
  }
  return rank;
}
