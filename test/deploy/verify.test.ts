/**
 * End to end: int8 model → C export → host executable and Cortex-M images on
 * QEMU → the same bytes as in-process evaluation, on KWS (100 inputs: the 48
 * MLPerf Tiny golden inputs plus 52 generated ones), on the hand-built zoo
 * (every op kind; no-DSP Cortex-M3 and Armv8-M Cortex-M33) and on ResNet-8.
 * Also checks that instruction counts and sizes are plausible. Needs cc,
 * arm-none-eabi-gcc and qemu-system-arm (scripts/install-system.sh).
 */
import { describe, expect, it } from 'vitest';
import { testInputs } from '../../src/codegen/index.js';
import { createInterpreter, prepare } from '../../src/engine/int8/index.js';
import { verify, type VerifyReport } from '../../src/deploy/index.js';
import { goldenInputs, goldenRows, loadShared, zooModel } from '../codegen/models.js';

const SLOW = 1_200_000; // QEMU and compilers on a shared, loaded machine

function expectIdentical(r: VerifyReport, samples: number): void {
  expect(r.firstMismatches).toEqual([]);
  expect(r.mismatches).toBe(0);
  expect(r.samples).toBe(samples);
}

function expectPlausibleCortexM(r: VerifyReport, weightBytes: number): void {
  const i = r.instructions!;
  // The calibration loop (2·10^5 instructions) measures exactly the clock's 1e9/sysclk instructions per tick.
  expect(i.calibration.instructionsPerTick).toBeCloseTo(i.instructionsPerTick, 1);
  expect(i.plausible).toBe(true);
  expect(i.min).toBeGreaterThan(r.macs); // at least one instruction per MAC
  expect(i.max).toBeLessThan(i.min * 1.05); // data-dependent branches only
  const s = r.size!;
  expect(s.model.bss).toBe(r.arenaBytes); // the arena is the model's only RAM
  expect(s.model.data).toBe(0);
  expect(s.model.rodata).toBeGreaterThanOrEqual(weightBytes);
  expect(s.image.bss).toBeGreaterThanOrEqual(s.model.bss);
  expect(s.image.text).toBeGreaterThan(s.model.text);
}

const constantBytes = (m: ReturnType<typeof loadShared>): number =>
  [...m.data.values()].reduce((a, d) => a + d.byteLength, 0) - 8; // minus the reshape's int32 shape

describe('KWS (DS-CNN)', () => {
  const model = loadShared('kws_ref_model.tflite');
  const info = prepare(model).inputs;
  const golden = goldenInputs('kws_ref_model', 490);
  const samples = [...golden.map((x) => [x]), ...testInputs(info, 52, 7)];

  it('golden inputs: in-process evaluation reproduces TFLite Micro (the reference the export is held to)', () => {
    const interp = createInterpreter(model);
    const want = goldenRows('kws_ref_model', 'outputs', 12);
    expect(golden.length).toBe(48);
    golden.forEach((x, k) => expect([...interp.invoke([x])[0]!], `golden row ${k}`).toEqual([...want[k]!]));
  });

  it('host: 100 inputs byte-identical', async () => {
    const r = await verify(model, { target: 'host', samples });
    expectIdentical(r, 100);
    expect(r.hostNsPerInference).toBeGreaterThan(0);
  }, SLOW);

  it('QEMU Cortex-M4: 100 inputs byte-identical, instructions and sizes plausible', async () => {
    const r = await verify(model, { target: 'cortex-m4', samples });
    expectIdentical(r, 100);
    expect(r.machine).toBe('mps2-an386');
    expectPlausibleCortexM(r, constantBytes(model));
    expect(r.arenaBytes).toBe(16256);
    expect(r.commands.run).toContain('-icount shift=0');
  }, SLOW);
});

describe('zoo (every op kind, float edges)', () => {
  const model = zooModel();
  for (const target of ['host', 'cortex-m3', 'cortex-m33'] as const) {
    it(`${target}: 24 inputs byte-identical`, async () => {
      const r = await verify(model, { target, inputs: 24, seed: 3 });
      expectIdentical(r, 24);
      if (target !== 'host') expectPlausibleCortexM(r, 0);
    }, SLOW);
  }
});

describe('ResNet-8', () => {
  const model = loadShared('pretrainedResnet_quant.tflite');
  it('QEMU Cortex-M7: golden inputs byte-identical', async () => {
    const golden = goldenInputs('pretrainedResnet_quant', 3072).slice(0, 6).map((x) => [x]);
    const r = await verify(model, { target: 'cortex-m7', samples: golden });
    expectIdentical(r, 6);
    expectPlausibleCortexM(r, constantBytes(model));
    expect(r.arenaBytes).toBe(49728);
  }, SLOW);
});

describe('verify input checks', () => {
  it('rejects an unknown target and a bad count with one clear error', async () => {
    const model = zooModel();
    await expect(verify(model, { target: 'cortex-m9' as never })).rejects.toThrow(/expected a target among host, cortex-m3/);
    await expect(verify(model, { target: 'host', inputs: 0 })).rejects.toThrow(/at least 1 test input/);
  });
});
