/**
 * Successive halving: rung r trains for epochs[r] (cumulative); after each rung
 * only the best 1/eta (by validation score) go on. Most candidates get a short
 * training, the promising ones more.
 */
export interface HalvingPlan {
  /** Cumulative epochs at each rung, e.g. [1, 3, 9]. */
  readonly epochs: readonly number[];
  readonly eta: number;
}

export function defaultPlan(maxEpochs: number, eta = 3): HalvingPlan {
  const epochs: number[] = [];
  for (let e = maxEpochs; e >= 1 && epochs.length < 4; e = Math.floor(e / eta)) epochs.unshift(e);
  return { epochs, eta };
}

/** Which of `scores` (higher is better) are promoted to the next rung: the top ⌈n/eta⌉, ties by index. */
export function promote(scores: readonly number[], eta: number): number[] {
  const k = Math.max(1, Math.ceil(scores.length / eta));
  return scores
    .map((s, i) => ({ s: Number.isFinite(s) ? s : -Infinity, i }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .slice(0, k)
    .map((x) => x.i)
    .sort((a, b) => a - b);
}
