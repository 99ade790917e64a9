/**
 * What a forge run reports: `summary.json` is this object; `report.html` and the
 * CLI's last `--json` line are views of it. Estimates are labelled as estimates.
 */
import { z } from 'zod';

export const CostSchema = z.object({
  sramBytes: z.number(),
  flashBytes: z.number(),
  latencyMs: z.number(),
  macs: z.number(),
  params: z.number(),
});

export const TrialRow = z.object({
  id: z.number(),
  key: z.string(),
  family: z.string(),
  status: z.enum(['infeasible', 'trained', 'pruned', 'finalist', 'failed']),
  lr: z.number(),
  epochs: z.number(),
  rung: z.number(),
  valAccuracy: z.number().nullable(),
  int8ValAccuracy: z.number().nullable(),
  /** Cost-model estimates before training. */
  estimate: CostSchema,
  feasible: z.boolean(),
  reasons: z.array(z.string()),
  note: z.string().optional(),
  /** Per-epoch curves: [epoch, trainLoss, valAccuracy]. */
  curve: z.array(z.tuple([z.number(), z.number(), z.number().nullable()])),
});
export type TrialRow = z.infer<typeof TrialRow>;

export const LayerRow = z.object({
  name: z.string(),
  op: z.string(),
  outShape: z.array(z.number()),
  macs: z.number(),
  weightBytes: z.number(),
  /** Arena bytes live while this op runs (memory planner). */
  liveBytes: z.number(),
  /** Estimated cycles and milliseconds at the board clock. */
  cycles: z.number(),
  latencyMs: z.number(),
});
export type LayerRow = z.infer<typeof LayerRow>;

export const ForgeSummary = z.object({
  runId: z.string(),
  mlforgeVersion: z.string(),
  dataset: z.object({ name: z.string(), train: z.number(), val: z.number(), test: z.number(), classes: z.number(), labels: z.array(z.string()) }),
  board: z.object({ name: z.string(), core: z.string(), clockHz: z.number(), sramBytes: z.number(), flashBytes: z.number() }),
  constraints: z.object({
    sramBytes: z.number(), flashBytes: z.number(), latencyMs: z.number().nullable(),
    /** How the defaults were derived, e.g. "board SRAM 256 KiB minus 32 KiB reserve". */
    explanation: z.array(z.string()),
  }),
  budget: z.object({ seconds: z.number().nullable(), trials: z.number().nullable(), usedSeconds: z.number() }),
  trials: z.array(TrialRow),
  /** Trial ids on the Pareto front (int8 accuracy vs SRAM, flash, latency). */
  front: z.array(z.number()),
  chosen: z.object({
    trialId: z.number(),
    family: z.string(),
    accuracyFloat: z.number(),
    accuracyInt8: z.number(),
    /** SRAM: arena + I/O + stack allowance; flash: weights + kernel code. Exact plan, estimated latency. */
    sramBytes: z.number(),
    arenaBytes: z.number(),
    flashBytes: z.number(),
    latencyMs: z.number(),
    fits: z.boolean(),
    layers: z.array(LayerRow),
    confusion: z.array(z.array(z.number())).optional(),
    /** The on-device feature block (WAV and time-series data); its costs are included in the totals above. */
    features: z.object({
      description: z.string(), config: z.record(z.string(), z.unknown()),
      sramBytes: z.number(), flashBytes: z.number(), latencyMs: z.number(), macs: z.number(),
    }).optional(),
    /** Anomaly detection: ROC AUC on the test split, and the exported threshold (accuracy* are at that threshold). */
    anomaly: z.object({
      aucFloat: z.number(), aucInt8: z.number(), threshold: z.number(), how: z.string(),
      valBalancedAccuracy: z.number().nullable(), testBalancedAccuracy: z.number(),
    }).optional(),
    model: z.unknown(),
  }).nullable(),
  exportDir: z.string().nullable(),
  tflitePath: z.string().nullable(),
  firstFeasibleSeconds: z.number().nullable(),
  notes: z.array(z.string()),
});
export type ForgeSummary = z.infer<typeof ForgeSummary>;
