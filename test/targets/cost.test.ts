/**
 * The cost model without QEMU: the committed calibration table, the graph
 * used before training, the estimate's arithmetic and invariants, and the
 * published MLPerf Tiny anchors (printed, checked loosely).
 */
import { describe, expect, it } from 'vitest';
import { planMemory } from '../../src/codegen/index.js';
import { prepare } from '../../src/engine/int8/index.js';
import { countModel, findPreset, resolveModel, type ModelInput } from '../../src/ir/index.js';
import { PROFILES } from '../../src/targets/calibration.js';
import { fitNonNegative } from '../../src/targets/fit.js';
import {
  BOARDS, calibrationTable, CORE_MODELS, CORES, estimateCost, findBoard, shapeOnlyInt8, VARIANT_FEATURES, variantsFor, type Board,
} from '../../src/targets/index.js';
import { loadShared } from '../codegen/models.js';

const preset = (name: string) => resolveModel(findPreset(name)!.build());
const l4r5 = findBoard('nucleo_l4r5zi');
const MHZ120 = 120e6;

describe('calibration table', () => {
  const table = calibrationTable();
  it('has instruction models for every variant on every QEMU-run profile, and sizes for every profile', () => {
    for (const [name, p] of Object.entries(PROFILES)) {
      const m = table.profiles[name];
      expect(m, name).toBeDefined();
      expect(Object.keys(m!.kernelBytes).length).toBeGreaterThanOrEqual(12);
      expect(m!.runtimeBytes).toBeGreaterThan(0);
      if (!p.run) continue;
      expect(Object.keys(m!.ops).sort(), name).toEqual(variantsFor(m!.dsp).sort());
      for (const [v, f] of Object.entries(m!.ops)) {
        expect(f.features, v).toEqual(VARIANT_FEATURES[v]);
        expect(f.samples).toBeGreaterThanOrEqual(f.features.filter((_, i) => f.coef[i]! > 0).length);
      }
    }
  });

  it('fits the heavy operators within 10 % on their own samples', () => {
    for (const m of Object.values(table.profiles)) {
      for (const v of ['conv2d_packed', 'conv2d', 'conv2d_1x1', 'depthwise_conv2d_packed', 'depthwise_conv2d_3x3', 'depthwise_conv2d', 'fully_connected', 'add', 'avg_pool', 'max_pool', 'mean']) {
        if (m.ops[v]) expect(m.ops[v]!.maxRelErr, `${m.cpu} ${v}`).toBeLessThan(0.1);
      }
    }
  });

  it('every core of the board database has a cost model', () => {
    for (const core of CORES) {
      const cm = CORE_MODELS[core];
      expect(table.profiles[cm.instructions], core).toBeDefined();
      expect(table.profiles[cm.sizes], core).toBeDefined();
      expect(cm.cpi).toBeGreaterThan(0.3);
    }
  });
});

describe('fitNonNegative', () => {
  it('recovers exact non-negative coefficients and never returns a negative one', () => {
    const rows = [[10, 1, 1], [100, 3, 1], [1000, 7, 1], [50, 50, 1], [7, 2, 1]];
    const y = rows.map((r) => 3 * r[0]! + 20 * r[1]! + 100);
    const c = fitNonNegative(rows, y);
    expect(c[0]).toBeCloseTo(3, 6);
    expect(c[1]).toBeCloseTo(20, 6);
    expect(c[2]).toBeCloseTo(100, 4);
    const d = fitNonNegative(rows, rows.map((r) => 5 * r[0]! - 2 * r[1]! + 50));
    expect(d.every((v) => v >= 0)).toBe(true);
  });
});

describe('shapeOnlyInt8', () => {
  it('lowers every preset before training: ops prepare, weights match the folded parameter count', () => {
    for (const name of ['ds-cnn', 'resnet8', 'ae-fc', 'cnn-small', 'mlp-small', 'mobilenet-v1-0.25']) {
      const r = preset(name);
      const m = shapeOnlyInt8(r);
      const p = prepare(m);
      expect(p.ops.length).toBeGreaterThan(0);
      const weights = [...m.data.values()].filter((d) => d instanceof Int8Array).reduce((s, d) => s + d.length, 0);
      const biases = [...m.data.values()].filter((d) => d instanceof Int32Array).reduce((s, d) => s + d.length, 0);
      // Every weighted op gets a bias in int8 (zeros when the float layer has none).
      expect(weights + biases, name).toBeGreaterThanOrEqual(countModel(r).paramsFolded);
    }
  });
});

describe('estimateCost', () => {
  const nrf = findBoard('nrf52840dk/nrf52840');

  it('adds up: flash and SRAM parts, per-layer latency, clock', () => {
    const c = estimateCost(preset('ds-cnn'), nrf);
    expect(c.estimate).toBe(true);
    expect(c.flashBytes).toBe(c.flash.weights + c.flash.kernelCode + c.flash.other);
    expect(c.sramBytes).toBe(c.sram.arena + c.sram.io + c.sram.stack);
    expect(c.sram.stack).toBeGreaterThanOrEqual(2048);
    expect(c.clockHz).toBe(64e6);
    expect(c.cycles).toBeCloseTo(c.perLayer.reduce((s, l) => s + l.cycles, 0), 3);
    expect(c.latencyMs).toBeCloseTo((c.cycles / 64e6) * 1000, 6);
    expect(c.perLayer.reduce((s, l) => s + l.ms, 0)).toBeCloseTo(c.latencyMs, 6);
    expect(c.macs).toBe(countModel(preset('ds-cnn')).macs);
    expect(c.kernels).toContain('conv2d_s8.c');
    expect(c.assumptions.join('\n')).toMatch(/cycles per instruction/);
    expect(c.assumptions.join('\n')).toMatch(/stack allowance/);
    for (const l of c.perLayer) expect(l.arenaBytes).toBeGreaterThan(0);
    // No constant is shared between ds-cnn's ops, so the per-layer constants add up to the flash weights.
    expect(c.perLayer.reduce((s, l) => s + l.weightBytes, 0)).toBe(c.flash.weights);
    expect(c.perLayer.find((l) => l.op === 'conv2d')!.weightBytes).toBeGreaterThan(0);
  });

  it('uses the C export\'s memory plan for the arena, trained or not', () => {
    const r = preset('cnn-small');
    const m = shapeOnlyInt8(r);
    expect(estimateCost(r, nrf).sram.arena).toBe(planMemory(m).arenaBytes);
    expect(estimateCost(m, nrf).sram.arena).toBe(planMemory(m).arenaBytes);
  });

  it('weights are exact: int8 weights, int32 biases, 8 bytes of requantization per channel', () => {
    const model: ModelInput = { name: 'fc', input: { shape: [10] }, layers: [{ name: 'fc', type: 'dense', units: 3 }] };
    expect(estimateCost(resolveModel(model), nrf).flash.weights).toBe(32 + 12 + 8 * 3); // 30 B aligned to 32
  });

  it('behaves: more work costs more, a faster clock less, an M7 beats an M4 beats an M0+', () => {
    const small = estimateCost(preset('cnn-small'), nrf);
    const big = estimateCost(preset('resnet8'), nrf);
    expect(big.cycles).toBeGreaterThan(small.cycles);
    expect(big.flash.weights).toBeGreaterThan(small.flash.weights);
    const fast = estimateCost(preset('cnn-small'), nrf, { clockHz: 128e6 });
    expect(fast.latencyMs).toBeCloseTo(small.latencyMs / 2, 6);
    const at = (core: Board['core']) => estimateCost(preset('ds-cnn'), { ...nrf, core, dsp: core !== 'cortex-m0plus' && core !== 'cortex-m3' }).cycles;
    expect(at('cortex-m7')).toBeLessThan(at('cortex-m4'));
    expect(at('cortex-m4')).toBeLessThan(at('cortex-m3'));
    expect(at('cortex-m3')).toBeLessThan(at('cortex-m0plus'));
  });

  it('costs every board in the database, and says when a core runs the portable paths', () => {
    for (const b of BOARDS) {
      const c = estimateCost(preset('ds-cnn'), b);
      expect(c.latencyMs, b.name).toBeGreaterThan(0);
      expect(c.flashBytes).toBeGreaterThan(c.flash.weights);
    }
    const an521 = estimateCost(preset('ds-cnn'), findBoard('mps2/an521'));
    expect(an521.assumptions.join('\n')).toMatch(/no DSP extension/);
  });

  it('prints the MLPerf Tiny anchors (STM32L4R5, Cortex-M4 at 120 MHz) and stays within their order of magnitude', () => {
    // Published: best stacks 43 / 165 / 4 ms; TFLite Micro reference kernels 182 / 704 / 10 ms.
    const anchors = { 'ds-cnn': [43, 182], resnet8: [165, 704], 'ae-fc': [4, 10] } as const;
    const rows = Object.entries(anchors).map(([name, [best, ref]]) => {
      const c = estimateCost(preset(name), l4r5, { clockHz: MHZ120 });
      return { name, estimateMs: +c.latencyMs.toFixed(1), best, ref, macs: c.macs, arena: c.sram.arena, flash: c.flashBytes };
    });
    console.log(JSON.stringify(rows, null, 1));
    for (const r of rows) {
      expect(r.estimateMs, r.name).toBeGreaterThan(r.best / 3);
      expect(r.estimateMs, r.name).toBeLessThan(r.ref * 3);
    }
  });

  it('costs the imported MLPerf Tiny KWS model (pad-free TFLite graph) like the preset', () => {
    const kws = estimateCost(loadShared('kws_ref_model.tflite'), l4r5, { clockHz: MHZ120 });
    const preset8 = estimateCost(preset('ds-cnn'), l4r5, { clockHz: MHZ120 });
    expect(kws.macs).toBe(preset8.macs);
    expect(Math.abs(kws.latencyMs / preset8.latencyMs - 1)).toBeLessThan(0.1);
  });
});
