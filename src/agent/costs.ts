/**
 * The forge's view of the cost model: estimates for float graphs before
 * training, exact memory figures for int8 models after quantization.
 */
import type { Board } from '../targets/boards.js';
import type { ResolvedModel } from '../ir/shapes.js';
import { countModel } from '../ir/counts.js';
import type { Int8Model } from '../ir/int8.js';
import { planMemory } from '../codegen/index.js';
import type { ForgeCostModel } from './forge.js';
import type { LayerRow } from './summary.js';

const STACK = 2048;
const CODE = 24 * 1024;
const CYCLES_PER_MAC = 2.5;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

export function forgeCostModel(board: Pick<Board, 'defaultClockHz' | 'core' | 'name'>): ForgeCostModel {
  const ms = (macs: number) => (macs * CYCLES_PER_MAC / board.defaultClockHz) * 1000;
  return {
    assumptions: [`stack allowance ${STACK} B`, `kernel code ≤ ${CODE} B`, `${CYCLES_PER_MAC} cycles per MAC (uncalibrated)`],
    estimate(m: ResolvedModel) {
      const c = countModel(m);
      let peak = size(m.inputShape);
      let prev = size(m.inputShape);
      for (const l of m.layers) { const out = size(l.outShape); peak = Math.max(peak, prev + out); prev = out; }
      const biases = c.layers.reduce((a, l) => a + (l.paramsFolded > 0 ? l.outShape[l.outShape.length - 1]! : 0), 0);
      return {
        sramBytes: Math.ceil(peak * 1.5) + STACK, flashBytes: c.paramsFolded + 3 * biases + CODE,
        latencyMs: ms(c.macs), macs: c.macs, params: c.paramsFolded,
      };
    },
    exact(m: Int8Model) {
      const plan = planMemory(m, { strategy: 'optimized' });
      let weights = 0;
      for (const [, d] of m.data) weights += d.byteLength;
      const macs = 0;
      const layers: LayerRow[] = [];
      return { sramBytes: plan.arenaBytes + STACK, arenaBytes: plan.arenaBytes, flashBytes: weights + CODE, latencyMs: ms(macs), macs, params: weights, layers };
    },
  };
}
