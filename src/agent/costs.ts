/**
 * The forge's view of the cost model (src/targets/cost.ts, calibrated on QEMU):
 * estimates for float graphs before training, the same model on the real int8
 * graph after quantization (exact arena from the memory plan, measured kernel code).
 */
import type { Board } from '../targets/boards.js';
import { estimateCost, type CostEstimate } from '../targets/cost.js';
import type { ResolvedModel } from '../ir/shapes.js';
import { countModel } from '../ir/counts.js';
import type { Int8Model } from '../ir/int8.js';
import { featureCost, type FeatureConfig } from '../dsp/index.js';
import { estimateDspCost } from '../targets/dsp-cost.js';
import type { ForgeCostModel } from './forge.js';
import type { LayerRow } from './summary.js';

const layersOf = (e: CostEstimate, model: Int8Model): LayerRow[] => {
  const shapeOf = new Map(model.tensors.map((t) => [t.name, t.shape]));
  return e.perLayer.map((l) => ({
    name: l.name, op: l.op, outShape: [...(shapeOf.get(l.name) ?? [])], macs: l.macs, weightBytes: l.weightBytes,
    liveBytes: l.arenaBytes, cycles: l.cycles, latencyMs: l.ms,
  }));
};

export function forgeCostModel(board: Board): ForgeCostModel {
  let assumptions: readonly string[] = [];
  return {
    get assumptions() { return assumptions; },
    estimate(m: ResolvedModel) {
      const e = estimateCost(m, board);
      assumptions = e.assumptions;
      return { sramBytes: e.sramBytes, flashBytes: e.flashBytes, latencyMs: e.latencyMs, macs: e.macs, params: countModel(m).paramsFolded };
    },
    dsp(c: FeatureConfig) {
      return estimateDspCost(featureCost(c), c.kind === 'motion' ? c.windowLength * c.axes : c.inputLength, board);
    },
    exact(m: Int8Model) {
      const e = estimateCost(m, board);
      assumptions = e.assumptions;
      return {
        sramBytes: e.sramBytes, arenaBytes: e.sram.arena, flashBytes: e.flashBytes, latencyMs: e.latencyMs,
        macs: e.macs, params: e.flash.weights, layers: layersOf(e, m),
      };
    },
  };
}
