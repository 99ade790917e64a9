/**
 * The feature-block cost model (dsp-cost.ts) and its calibration
 * (dsp-calibration.ts, `mlforge calibrate --dsp`):
 * - estimateDspCost: SRAM = raw window + scratch + float features, flash =
 *   const tables + the measured DSP code, latency = fitted instructions × CPI
 *   / clock, FPU boards on the `fpu` fit and the others on `soft`;
 * - the committed table: ≥ 8 blocks, audio and motion, its fits reproduce
 *   its own rows within the recorded worst error;
 * - on QEMU, one audio and one motion block that the fit never saw (Cortex-M4
 *   hard-float and Cortex-M0+ soft-float code): the estimated instructions
 *   are within ±15 % of the measured count.
 * Needs arm-none-eabi-gcc and qemu-system-arm (scripts/install-system.sh).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { featureCost, parseFeatureConfig, scratchFloats } from '../../src/dsp/index.js';
import { CORE_MODELS, findBoard } from '../../src/targets/index.js';
import {
  DSP_PROFILES, dspCalibrationCases, dspInputFloats, emitDspCalibrationC, fitDsp, measureDspCases, type DspCase,
} from '../../src/targets/dsp-calibration.js';
import tableJson from '../../src/targets/dsp-calibration.json' with { type: 'json' };
import { DSP_FITS, DspCalibrationTable, dspFitFor, estimateDspCost, estimateDspInstructions } from '../../src/targets/dsp-cost.js';

const TOLERANCE = 0.15;
const work = mkdtempSync(path.join(os.tmpdir(), 'mlforge-dsp-cost-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const withFpu = findBoard('nrf52840dk/nrf52840'); // Cortex-M4F
const noFpu = findBoard('rpi_pico'); // Cortex-M0+

/** Not in dspCalibrationCases(): an MFCC at a 25 ms / 10 ms frame on half a second, and a 3-axis 200-sample window zero-padded to 256 with 16 bands. */
const HELD_OUT: readonly DspCase[] = [
  { name: 'held-out mfcc 16k@8000 f400/160 fft512 32mel 13c', config: parseFeatureConfig({ kind: 'mfcc', sampleRate: 16000, inputLength: 8000, frameLength: 400, frameStride: 160, melBins: 32, numCoeffs: 13 }) },
  { name: 'held-out motion 3x200 16 bands all stats', config: parseFeatureConfig({ kind: 'motion', sampleRate: 200, axes: 3, windowLength: 200, bands: 16 }) },
];

describe('estimateDspCost', () => {
  const audio = parseFeatureConfig({ kind: 'logmel', sampleRate: 16000, inputLength: 16000, frameLength: 512, frameStride: 256, melBins: 40 });
  const motion = parseFeatureConfig({ kind: 'motion', sampleRate: 100, axes: 3, windowLength: 128, bands: 8 });

  it('SRAM is the raw window, the scratch and the float features; flash the tables and the DSP code', () => {
    for (const c of [audio, motion]) {
      const cost = featureCost(c);
      const raw = dspInputFloats(c);
      const outputs = cost.outputShape.reduce((a, b) => a * b, 1);
      for (const board of [withFpu, noFpu]) {
        const e = estimateDspCost(cost, raw, board);
        expect(e.sramBytes).toBe(4 * raw + 4 * scratchFloats(c) + 4 * outputs);
        expect(e.flashBytes).toBe(cost.constBytes + dspFitFor(board).codeBytes);
      }
    }
    // logmel 16k, 512/256: 61 frames × 40 bins; scratch fftLength + 2.
    expect(estimateDspCost(featureCost(audio), 16000, withFpu).sramBytes).toBe(4 * 16000 + 4 * 514 + 4 * 61 * 40);
    // motion 3 × 128, 6 stats + 8 bands per axis; scratch 128 + 2.
    expect(estimateDspCost(featureCost(motion), 384, noFpu).sramBytes).toBe(4 * 384 + 4 * 130 + 4 * 3 * 14);
  });

  it('latency is the fitted instructions × the core CPI at the default clock; FPU boards use the fpu fit', () => {
    expect(dspFitFor(withFpu)).toBe(DSP_FITS.fpu);
    expect(dspFitFor(noFpu)).toBe(DSP_FITS.soft);
    const cost = featureCost(audio);
    for (const [board, fit] of [[withFpu, DSP_FITS.fpu], [noFpu, DSP_FITS.soft]] as const) {
      const instructions = fit.perMac * cost.macs + fit.perTranscendental * cost.transcendentals + fit.perSample * 16000;
      expect(estimateDspInstructions(cost, 16000, fit)).toBeCloseTo(instructions, 6);
      expect(estimateDspCost(cost, 16000, board).latencyMs).toBeCloseTo((instructions * CORE_MODELS[board.core].cpi / board.defaultClockHz) * 1000, 9);
    }
    // Soft float is far slower per MAC and per logf than the FPU, and needs more code.
    expect(DSP_FITS.soft.perMac).toBeGreaterThan(10 * DSP_FITS.fpu.perMac);
    expect(DSP_FITS.soft.perTranscendental).toBeGreaterThan(10 * DSP_FITS.fpu.perTranscendental);
    expect(DSP_FITS.soft.codeBytes).toBeGreaterThan(DSP_FITS.fpu.codeBytes);
  });
});

describe('the committed DSP calibration', () => {
  const table = DspCalibrationTable.parse(tableJson);

  it('was measured on ≥ 8 audio and motion blocks, and its fits reproduce them', () => {
    const cases = dspCalibrationCases();
    expect(cases.length).toBeGreaterThanOrEqual(8);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    expect(new Set(cases.map((c) => c.config.kind))).toEqual(new Set(['mfcc', 'logmel', 'spectrogram', 'motion']));
    for (const name of ['fpu', 'soft'] as const) {
      const f = table.fits[name];
      expect(f.cases.map((c) => c.case)).toEqual(cases.map((c) => c.name));
      expect(DSP_FITS[name]).toMatchObject({ perMac: f.perMac, perTranscendental: f.perTranscendental, perSample: f.perSample, codeBytes: f.codeBytes });
      for (const [k, row] of f.cases.entries()) {
        const cost = featureCost(cases[k]!.config);
        expect(row.macs).toBe(Math.round(cost.macs));
        expect(row.transcendentals).toBe(cost.transcendentals);
        expect(row.samples).toBe(dspInputFloats(cases[k]!.config));
        expect(Math.abs(row.estimated / row.instructions - 1)).toBeLessThanOrEqual(f.maxRelErr + 1e-4);
      }
      // Refitting the recorded measurements gives the recorded coefficients.
      expect(fitDsp(f.cases)).toMatchObject({ perMac: f.perMac, perTranscendental: f.perTranscendental, perSample: f.perSample });
    }
  });

  it('fitDsp recovers exact coefficients', () => {
    const rows = [[1000, 10, 100], [5000, 0, 400], [200, 50, 1000], [8000, 80, 50], [3000, 5, 3000]] as const;
    const samples = rows.map(([macs, transcendentals, n], i) => ({ case: `s${i}`, macs, transcendentals, samples: n, instructions: 4.5 * macs + 120 * transcendentals + 7 * n }));
    expect(fitDsp(samples)).toMatchObject({ perMac: 4.5, perTranscendental: 120, perSample: 7, maxRelErr: 0 });
  });

  it('the timing program declares every block with its own tables', () => {
    const { tables, main } = emitDspCalibrationC(HELD_OUT);
    expect(tables).toContain('const mlf_audio_features_t mlf_dsp0 =');
    expect(tables).toContain('const mlf_motion_features_t mlf_dsp1 =');
    expect(main).toContain('mlf_motion_features(&mlf_dsp1, mlf_in, mlf_out, mlf_scratch)');
  });
});

describe('on QEMU, blocks the fit never saw', () => {
  for (const name of ['fpu', 'soft'] as const) {
    it(`${name}: estimated instructions within ±${100 * TOLERANCE} % of measured (${DSP_PROFILES[name].cpu}, ${DSP_PROFILES[name].floatAbi} float)`, async () => {
      const fitNames = new Set(dspCalibrationCases().map((c) => c.name));
      for (const c of HELD_OUT) expect(fitNames.has(c.name)).toBe(false);
      const measured = await measureDspCases(HELD_OUT, DSP_PROFILES[name], path.join(work, name));
      for (const [k, m] of measured.entries()) {
        const estimate = estimateDspInstructions(featureCost(HELD_OUT[k]!.config), dspInputFloats(HELD_OUT[k]!.config), DSP_FITS[name]);
        const rel = estimate / m.instructions - 1;
        console.log(`dsp ${name} ${m.case}: measured ${m.instructions}, estimated ${Math.round(estimate)} (${(100 * rel).toFixed(1)} %)`);
        expect(Math.abs(rel), m.case).toBeLessThanOrEqual(TOLERANCE);
      }
    }, 120_000);
  }
});
