/**
 * `mlforge calibrate`: the case set covers every kernel path, the fit is
 * exact where it can be, and a small real run (two op kinds on QEMU
 * Cortex-M4) reproduces the committed table's models.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { registerCalibrate } from '../../src/cli/commands/calibrate.js';
import { prepare } from '../../src/engine/int8/index.js';
import { calibrate, formatTable, profileName } from '../../src/targets/calibration.js';
import { calibrationCases } from '../../src/targets/calibration-cases.js';
import { fitVariants } from '../../src/targets/fit.js';
import { CalibrationTable, calibrationTable, opWork, VARIANT_FEATURES, variantsFor } from '../../src/targets/index.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'mlforge-calibrate-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('calibration cases', () => {
  const cases = calibrationCases();
  it('are valid one-op models with unique names, reproducible', () => {
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    for (const c of cases) expect(prepare(c.model).ops.length, c.name).toBe(1);
    const again = calibrationCases();
    expect([...again[0]!.model.data.get(1)!]).toEqual([...cases[0]!.model.data.get(1)!]);
  });

  it('cover every variant with more samples than features, on DSP and portable builds', () => {
    for (const dsp of [true, false]) {
      const n = new Map<string, number>();
      for (const c of cases) {
        const v = opWork(prepare(c.model).ops[0]!, c.model, dsp).variant;
        n.set(v, (n.get(v) ?? 0) + 1);
      }
      for (const v of variantsFor(dsp)) {
        const f = VARIANT_FEATURES[v]!;
        expect(n.get(v) ?? 0, `${v} dsp=${dsp}`).toBeGreaterThanOrEqual(Math.min(f.length + 1, 3));
      }
    }
  });
});

describe('fitVariants', () => {
  it('reports the fit error and keeps coefficients non-negative', () => {
    const samples = [1, 2, 5, 10, 50].map((out) => ({ variant: 'add', x: { out, one: 1 }, instructions: 120 * out + 60 }));
    const f = fitVariants(samples).add!;
    expect(f.coef[0]).toBeCloseTo(120, 3);
    expect(f.coef[1]).toBeCloseTo(60, 3);
    expect(f.maxRelErr).toBe(0);
    expect(f.samples).toBe(5);
  });
});

describe('profile names', () => {
  it('accepts short and full core names, rejects others with the list', () => {
    expect(profileName('m4')).toBe('cortex-m4');
    expect(profileName('cortex-m33')).toBe('cortex-m33');
    expect(profileName('m0+')).toBe('cortex-m0plus');
    expect(() => profileName('m9')).toThrow(/unknown core "m9".*m0plus, m3, m4/);
  });
});

describe('calibrate on QEMU (two op kinds, Cortex-M4)', () => {
  it('reproduces the committed models and keeps the other profiles', async () => {
    const committed = calibrationTable();
    const r = await calibrate({ cores: ['m4'], kinds: ['add', 'softmax'], base: committed });
    const table = CalibrationTable.parse(JSON.parse(formatTable(r.table)));
    expect(Object.keys(table.profiles).sort()).toEqual(Object.keys(committed.profiles).sort());
    const m4 = table.profiles['cortex-m4']!;
    expect(Object.keys(m4.ops).sort()).toEqual(['add', 'add_broadcast', 'softmax']);
    expect(r.measured['cortex-m4']!.length).toBe(13);
    // Instruction counts are deterministic up to data-dependent branches (inputs differ with the cases run before).
    const cases = new Map(calibrationCases().map((c) => [c.name, c]));
    for (const m of r.measured['cortex-m4']!) {
      const c = cases.get(m.case)!;
      const w = opWork(prepare(c.model).ops[0]!, c.model, true);
      const fit = committed.profiles['cortex-m4']!.ops[w.variant]!;
      const predicted = fit.features.reduce((s, f, i) => s + fit.coef[i]! * (w.x[f] ?? 0), 0);
      expect(Math.abs(predicted / m.instructions - 1), m.case).toBeLessThan(0.08);
    }
    expect(m4.kernelBytes).toEqual(committed.profiles['cortex-m4']!.kernelBytes);
    expect(m4.dsp).toBe(true);
  }, 600_000);
});

describe('mlforge calibrate (CLI)', () => {
  const run = async (...args: string[]) => {
    const program = new Command().exitOverride();
    registerCalibrate(program);
    await program.parseAsync(['node', 'mlforge', 'calibrate', ...args]);
  };
  it('rejects an unknown core and a file that is not a table before measuring anything', async () => {
    await expect(run('--cores', 'm4,m9')).rejects.toThrow(/unknown core "m9"/);
    const bad = path.join(work, 'bad.json');
    writeFileSync(bad, '{"format":"other"}');
    await expect(run('--cores', 'm4', '--out', bad)).rejects.toThrow(/not a calibration table/);
  });
});
