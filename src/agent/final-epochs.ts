/**
 * How long a finalist trains: the planned final epochs when the budget is a
 * number of trials; under a time budget, whatever fits in the time left
 * (shared with the finalists still to train) up to FINAL_STRETCH× the plan,
 * and never fewer epochs than its last search rung had.
 */

/** Most a finalist's training may grow past the planned epochs when a time budget has room. */
export const FINAL_STRETCH = 3;
/** Safety margin on the seconds per epoch measured in the search (validation, a busier machine). */
const EPOCH_MARGIN = 1.3;

export interface FinalEpochsInput {
  /** The planned final epochs. */
  readonly planned: number;
  /** Epochs and seconds of the candidate's last search rung. */
  readonly rungEpochs: number;
  readonly rungSeconds: number;
  /** Seconds left for the finalists; null without a time budget. */
  readonly secondsLeft: number | null;
  /** Finalists still to train, this one included. */
  readonly finalistsLeft: number;
}

export function finalEpochs(o: FinalEpochsInput): number {
  if (o.secondsLeft === null) return Math.max(o.rungEpochs, o.planned);
  const perEpoch = Math.max((o.rungSeconds / Math.max(1, o.rungEpochs)) * EPOCH_MARGIN, 1e-3);
  const fit = Math.floor(Math.max(0, o.secondsLeft) / Math.max(1, o.finalistsLeft) / perEpoch);
  return Math.max(o.rungEpochs, Math.min(o.planned * FINAL_STRETCH, fit));
}
