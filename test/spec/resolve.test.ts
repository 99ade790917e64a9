import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MlforgeError } from '../../src/errors.js';
import { ResolvedSpecSchema, defaultReserves, loadSpec, parseSpecYaml, resolveSpec } from '../../src/spec/index.js';
import { findBoard } from '../../src/targets/index.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'mlforge-spec-'));
  mkdirSync(join(root, 'proj', 'data', 'clips'), { recursive: true });
  writeFileSync(join(root, 'proj', 'data', 'train.csv'), 'a,b,label\n1,2,x\n3,4,y\n');
  writeFileSync(join(root, 'other.csv'), 'a,label\n1,x\n');
  writeFileSync(join(root, 'proj', 'notes.txt'), 'not data');
});

const spec = (raw: unknown, flags = {}) => resolveSpec(raw, { file: 'proj/spec.yaml', cwd: root, flags });

/** The MlforgeError a call throws (fails the test when it does not throw). */
function thrown(f: () => unknown): MlforgeError {
  try { f(); } catch (e) { if (e instanceof MlforgeError) return e; throw e; }
  throw new Error('expected an MlforgeError');
}

describe('resolveSpec defaults', () => {
  it('fills every default and makes paths absolute', () => {
    const s = spec({ dataset: 'mnist', board: 'nucleo_f746zg' });
    expect(s.file).toBe(join(root, 'proj', 'spec.yaml'));
    expect(s.name).toBe('spec');
    expect(s.task).toBe('classification');
    expect(s.dataset).toEqual({ kind: 'builtin', source: 'mnist', name: 'mnist', label: null, split: { val: 0.1, test: 0.1 }, options: {} });
    expect(s.board.name).toBe('nucleo_f746zg');
    expect(s.objectives).toEqual({ maximize: 'accuracy', minimize: [], weights: { primary: 1, sram: 0, flash: 0, latency: 0 } });
    expect(s.budget).toEqual({ timeSeconds: 1800, maxTrials: null });
    expect(s.search).toEqual({ families: ['ds-cnn', 'mobilenet-v2', 'cnn', 'cnn1d', 'mlp'], planner: 'builtin' });
    expect(s.seed).toBe(0);
    expect(s.out).toBe(join(root, 'proj', 'out', 'spec'));
    expect(s.overrides).toEqual([]);
    expect(ResolvedSpecSchema.parse(s)).toEqual(s);
  });

  it('defaults constraints to the board minus a stated reserve', () => {
    const s = spec({ dataset: 'mnist', board: 'nrf52840dk/nrf52840' });
    // SRAM: 12 KiB + 15% of 256 KiB = 50.4 KiB → 51 KiB; flash: 48 KiB + 10% of 1 MiB = 150.4 KiB → 151 KiB.
    expect(s.constraints.reserve).toMatchObject({ sramBytes: 51 * 1024, flashBytes: 151 * 1024 });
    expect(s.constraints.sramBytes).toBe(256 * 1024 - 51 * 1024);
    expect(s.constraints.flashBytes).toBe(1024 * 1024 - 151 * 1024);
    expect(s.constraints.latencyMs).toBeNull();
    expect(s.constraints.origin).toEqual({ sramBytes: 'board', flashBytes: 'board', latencyMs: 'none' });
    expect(s.constraints.reserve.policy).toMatch(/SRAM 51 KiB \(12 KiB \+ 15%.*flash 151 KiB \(48 KiB \+ 10%/);
  });

  it('never reserves more than half of a small board', () => {
    const tiny = { name: 'tiny', core: 'cortex-m0plus', defaultClockHz: '48MHz', sramBytes: '16KB', flashBytes: '64KB' };
    const s = spec({ dataset: 'mnist', board: tiny });
    expect(s.constraints.reserve).toMatchObject({ sramBytes: 8 * 1024, flashBytes: 32 * 1024 });
    expect(defaultReserves(findBoard('nucleo_g071rb'))).toEqual({ sramBytes: 18 * 1024, flashBytes: 61 * 1024 });
  });

  it('takes explicit constraints and reserves in units', () => {
    const s = spec({ dataset: 'mnist', board: 'rpi_pico', constraints: { sramBytes: '128KB', flashBytes: 524288, latencyMs: '0.25s', reserve: { sramBytes: '100KiB' } } });
    expect(s.constraints).toMatchObject({ sramBytes: 131072, flashBytes: 524288, latencyMs: 250 });
    expect(s.constraints.origin).toEqual({ sramBytes: 'spec', flashBytes: 'spec', latencyMs: 'spec' });
    expect(s.constraints.reserve.sramBytes).toBe(102400);
    expect(s.constraints.reserve.policy).toMatch(/SRAM 100 KiB \(spec\)/);
    const r = spec({ dataset: 'mnist', board: 'rpi_pico', constraints: { reserve: { flashBytes: '1MiB' } } });
    expect(r.constraints.flashBytes).toBe(1024 * 1024);
  });

  it('resolves objectives for the task', () => {
    expect(spec({ task: 'anomaly_detection', dataset: 'mnist', board: 'rpi_pico' }).objectives.maximize).toBe('auc');
    const o = spec({ dataset: 'mnist', board: 'rpi_pico', objectives: { minimize: ['flash'], weights: { latency: 0.5, accuracy: 2 } } }).objectives;
    expect(o).toEqual({ maximize: 'accuracy', minimize: ['flash', 'latency'], weights: { primary: 2, sram: 0, flash: 0.1, latency: 0.5 } });
    expect(spec({ dataset: 'mnist', board: 'rpi_pico', objectives: 'accuracy' }).objectives.maximize).toBe('accuracy');
  });

  it('accepts budget shorthands', () => {
    expect(spec({ dataset: 'mnist', board: 'rpi_pico', budget: '1h30m' }).budget).toEqual({ timeSeconds: 5400, maxTrials: null });
    expect(spec({ dataset: 'mnist', board: 'rpi_pico', budget: { trials: 25 } }).budget).toEqual({ timeSeconds: null, maxTrials: 25 });
    expect(spec({ dataset: 'mnist', board: 'rpi_pico', budget: 600 }).budget).toEqual({ timeSeconds: 600, maxTrials: null });
  });

  it('finds datasets relative to the spec file', () => {
    const csv = spec({ dataset: { source: 'data/train.csv', label: 'label', split: { val: 0.2, test: 0.2 } }, board: 'rpi_pico' }).dataset;
    expect(csv).toEqual({ kind: 'csv', source: join(root, 'proj', 'data', 'train.csv'), name: 'train.csv', label: 'label', split: { val: 0.2, test: 0.2 }, options: {} });
    const folder = spec({ dataset: './data/clips', board: 'rpi_pico' }).dataset;
    expect(folder).toMatchObject({ kind: 'folder', source: join(root, 'proj', 'data', 'clips'), name: 'clips' });
  });

  it('uses inline and listed custom boards', () => {
    const mine = { name: 'my_board', core: 'cortex-m4', defaultClockHz: '80MHz', sramBytes: '128KB', flashBytes: '512KB', fpu: 'sp', dsp: true };
    const inline = spec({ dataset: 'mnist', board: mine }).board;
    expect(inline).toMatchObject({ name: 'my_board', defaultClockHz: 80e6, maxClockHz: 80e6, sramBytes: 131072, flashBytes: 524288, helium: false, qemuMachine: null, aliases: [] });
    expect(spec({ dataset: 'mnist', boards: [mine], board: 'my_board' }).board.sramBytes).toBe(131072);
    expect(spec({ dataset: 'mnist', boards: [mine], board: 'rpi_pico' }, { board: 'my_board' }).board.name).toBe('my_board');
  });

  it('returns a deep-frozen object', () => {
    const s = spec({ dataset: 'mnist', board: { name: 'b', core: 'cortex-m33', defaultClockHz: 1e8, sramBytes: 1e5, flashBytes: 1e6 } });
    for (const part of [s, s.board, s.board.aliases, s.constraints, s.constraints.reserve, s.search.families, s.dataset.split, s.objectives.minimize]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
    expect(() => { (s as { seed: number }).seed = 1; }).toThrow(TypeError);
    expect(Object.isFrozen(findBoard('rpi_pico'))).toBe(true);
  });
});

describe('flags', () => {
  it('override the file, with paths relative to the working directory', () => {
    const s = spec({ dataset: 'mnist', board: 'rpi_pico', budget: { time: '2h', trials: 10 }, seed: 3, out: 'runs/a' },
      { dataset: 'other.csv', board: 'mps2/an385', budget: '20m', out: 'elsewhere', seed: '7' });
    expect(s.dataset).toMatchObject({ kind: 'csv', source: join(root, 'other.csv') });
    expect(s.board.name).toBe('mps2/an385');
    expect(s.budget).toEqual({ timeSeconds: 1200, maxTrials: 10 });
    expect(s.out).toBe(join(root, 'elsewhere'));
    expect(s.seed).toBe(7);
    expect(s.overrides).toEqual(['dataset', 'board', 'budget', 'out', 'seed']);
    expect(spec({ dataset: 'mnist', board: 'rpi_pico', budget: '2h' }, { budget: '50 trials' }).budget).toEqual({ timeSeconds: 7200, maxTrials: 50 });
  });

  it('supply required fields the file leaves out', () => {
    const s = spec({}, { dataset: 'fashion-mnist', board: 'nrf52840dk_nrf52840' });
    expect([s.dataset.name, s.board.name]).toEqual(['fashion-mnist', 'nrf52840dk/nrf52840']);
  });

  it('are checked, and errors name the flag', () => {
    expect(thrown(() => spec({ dataset: 'mnist', board: 'rpi_pico' }, { seed: 'x' })).message).toBe('--seed: expected a whole number ≥ 0, got "x"');
    expect(thrown(() => spec({ dataset: 'mnist', board: 'rpi_pico' }, { budget: 'soon' })).message).toMatch(/^--budget: expected a duration/);
    const e = thrown(() => spec({ dataset: 'mnist', board: 'rpi_pico' }, { board: 'pico' }));
    expect([e.code, e.message]).toEqual(['NOT_FOUND', expect.stringMatching(/^--board: unknown board "pico" \(closest: rpi_pico/)]);
  });
});

describe('malformed specs', () => {
  const ok = { dataset: 'mnist', board: 'rpi_pico' };
  it.each([
    [{ ...ok, constraints: { sramBytes: 'lots' } }, 'spec.yaml: constraints.sramBytes: expected a size like 262144, "256KB" or "1MiB", got "lots"'],
    [{ ...ok, constraints: { latencyMs: 'quick' } }, 'spec.yaml: constraints.latencyMs: expected a duration like 50 or "50ms" or "0.2s", got "quick"'],
    [{ ...ok, constraints: { sramBytes: '1MiB' } }, 'spec.yaml: constraints.sramBytes: 1 MiB exceeds the 264 KiB of SRAM on rpi_pico'],
    [{ ...ok, constraint: {} }, 'spec.yaml: unknown field "constraint" (did you mean constraints?)'],
    [{ ...ok, constraints: { sram: '1KB' } }, 'spec.yaml: constraints: unknown field "sram" (did you mean sramBytes?)'],
    [{ ...ok, task: 'regression' }, 'spec.yaml: task: expected "classification" | "anomaly_detection", got "regression"'],
    [{ ...ok, search: { families: ['cnn', 'vit'] } }, 'spec.yaml: search.families[1]: expected "ds-cnn" | "mobilenet-v2" | "cnn" | "cnn1d" | "mlp", got "vit"'],
    [{ ...ok, search: { planner: 'gpt' } }, 'spec.yaml: search.planner: expected "builtin" | "llm", got "gpt"'],
    [{ ...ok, budget: { time: 'forever' } }, 'spec.yaml: budget.time: expected a duration like "20m", "1h30m" or 3600 (seconds), got "forever"'],
    [{ ...ok, budget: { trials: 0 } }, 'spec.yaml: budget.trials: expected a whole number of trials ≥ 1, got 0'],
    [{ ...ok, seed: 1.5 }, 'spec.yaml: seed: expected a whole number ≥ 0, got 1.5'],
    [{ ...ok, augment: { copies: 20 } }, 'spec.yaml: augment.copies: expected a whole number 0–8, got 20'],
    [{ ...ok, augment: { warp: 0.5 } }, 'spec.yaml: augment.warp: expected a number 0–0.3, got 0.5'],
    [{ ...ok, augment: { shift: 10 } }, 'spec.yaml: augment: unknown field "shift" (did you mean shiftMs?)'],
    [{ ...ok, objectives: 'auc' }, 'spec.yaml: objectives: auc does not fit task classification; it maximises accuracy'],
    [{ ...ok, objectives: { weights: { auc: 1 } } }, 'spec.yaml: objectives.weights.auc: this spec maximises accuracy, not auc'],
    [{ ...ok, board: 7 }, 'spec.yaml: board: expected a board name (mlforge boards) or a board definition, got 7'],
    [{ ...ok, board: { name: 'b', core: 'cortex-m9', defaultClockHz: 1, sramBytes: 1, flashBytes: 1 } }, /^spec\.yaml: board\.core: expected "cortex-m0plus" \| .*got "cortex-m9"$/],
    [{ ...ok, board: { name: 'b', core: 'cortex-m4', defaultClockHz: 'fast', sramBytes: 1, flashBytes: 1 } }, 'spec.yaml: board.defaultClockHz: expected a frequency like 64000000 or "64MHz", got "fast"'],
    [{ ...ok, board: { name: 'b', core: 'cortex-m4', defaultClockHz: 1, sramBytes: 1, flashBytes: 1, helium: true } }, 'spec.yaml: board.helium: Helium exists only on cortex-m55 and cortex-m85, not cortex-m4'],
    [{ ...ok, dataset: { source: 'mnist', split: { val: 0.5, test: 0.5 } } }, 'spec.yaml: dataset.split: expected val ≥ 0, test > 0 and val + test < 1, got val 0.5, test 0.5'],
    [{ ...ok, dataset: 'notes.txt' }, 'spec.yaml: dataset: expected a built-in dataset, a .csv file or a folder, got notes.txt'],
    [{ board: 'rpi_pico' }, /^spec\.yaml: dataset: required/],
    [{ dataset: 'mnist' }, /^spec\.yaml: board: required/],
    [{ ...ok, boards: [{ name: 'b', core: 'cortex-m4', defaultClockHz: 1, sramBytes: 1, flashBytes: 1 }, { name: 'b', core: 'cortex-m7', defaultClockHz: 1, sramBytes: 1, flashBytes: 1 }] },
      'spec.yaml: boards[1].name: board "b" is defined twice'],
    [['a', 'list'], 'spec.yaml: expected a mapping of fields (task, dataset, board, …), got a list'],
  ])('%j', (raw, message) => {
    const e = thrown(() => resolveSpec(raw, { file: 'spec.yaml', cwd: join(root, 'proj') }));
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).not.toContain('\n');
    if (typeof message === 'string') expect(e.message).toBe(message);
    else expect(e.message).toMatch(message);
  });

  it('names unknown boards and datasets with close names', () => {
    const b = thrown(() => resolveSpec({ dataset: 'mnist', board: 'nrf52840' }, { file: 'spec.yaml' }));
    expect([b.code, b.message]).toEqual(['NOT_FOUND', expect.stringMatching(/^spec\.yaml: board: unknown board "nrf52840" \(closest: nrf52840dk\/nrf52840, arduino_nano_33_ble/)]);
    const d = thrown(() => resolveSpec({ dataset: 'mnst', board: 'rpi_pico' }, { file: 'spec.yaml' }));
    expect([d.code, d.message]).toEqual(['NOT_FOUND', expect.stringMatching(/^spec\.yaml: dataset: unknown built-in dataset "mnst" \(closest: mnist/)]);
    const f = thrown(() => spec({ dataset: 'data/missing.csv', board: 'rpi_pico' }));
    expect([f.code, f.message]).toEqual(['NOT_FOUND', expect.stringMatching(/^proj\/spec\.yaml: dataset: data\/missing\.csv does not exist/)]);
  });
});

describe('YAML', () => {
  it('syntax errors name line and column', () => {
    expect(thrown(() => parseSpecYaml('task: classification\nboard: a: b\n', 'spec.yaml')).message)
      .toBe('spec.yaml:2:8: YAML syntax error: Nested mappings are not allowed in compact mappings');
    expect(thrown(() => parseSpecYaml('seed: 1\nseed: 2\n', 'spec.yaml')).message).toMatch(/^spec\.yaml:2:1: YAML syntax error: Map keys must be unique/);
    expect(thrown(() => parseSpecYaml('dataset: [mnist\n', 'spec.yaml')).message).toMatch(/^spec\.yaml:2:1: YAML syntax error: /);
  });

  it('loadSpec reads, parses and resolves a file', () => {
    writeFileSync(join(root, 'proj', 'kws.yaml'), 'dataset: data/train.csv\nboard: nucleo_l4r5zi\nconstraints:\n  latencyMs: 50ms\n');
    const s = loadSpec('proj/kws.yaml', { cwd: root });
    expect([s.name, s.dataset.kind, s.board.name, s.constraints.latencyMs]).toEqual(['kws', 'csv', 'nucleo_l4r5zi', 50]);
    expect(loadSpec(join(root, 'proj', 'kws.yaml')).file).toBe(join(root, 'proj', 'kws.yaml'));
    expect(thrown(() => loadSpec('nope.yaml', { cwd: root })).code).toBe('NOT_FOUND');
    writeFileSync(join(root, 'proj', 'empty.yaml'), '');
    expect(thrown(() => loadSpec('proj/empty.yaml', { cwd: root })).message).toMatch(/^proj\/empty\.yaml: board: required/);
  });
});
