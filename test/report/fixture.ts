/**
 * A realistic, deterministic `ForgeSummary` for report tests and screenshots:
 * Fashion-MNIST on a Cortex-M4 board, 40 candidates of mixed families screened
 * by cost, trained with successive halving (pruned / trained / finalist), a few
 * infeasible and failed ones, a Pareto front, and a chosen DS-CNN with 12 layers
 * whose per-layer figures add up to its SRAM, flash and latency.
 *
 * Not a simulation of the forge loop: numbers follow simple plausible laws
 * (accuracy saturating in log-size, cycles ∝ MACs) so that plots look like a
 * real run. `makeFixture({ nothingFits: true })` gives a run where nothing fits.
 */
import { ForgeSummary, type LayerRow, type TrialRow } from '../../src/agent/summary.js';
import { paretoFront } from '../../src/search/pareto.js';
import { Rng } from '../../src/util/random.js';

export interface FixtureOptions {
  readonly seed?: number;
  readonly trials?: number;
  /** Class labels (10); use to inject hostile text. */
  readonly labels?: readonly string[];
  /** Override the SRAM constraint. */
  readonly sramLimit?: number;
  /** A run where no candidate fits (SRAM limit 1 KiB): every trial infeasible, `chosen` null. */
  readonly nothingFits?: boolean;
  readonly notes?: readonly string[];
}

export const FASHION_LABELS = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

const KiB = 1024;
const CLOCK = 180e6;
const KERNEL_CODE = 14_208; // measured .text of conv/dw/fc/pool/softmax s8 kernels (fixture value)

/** A 12-layer DS-CNN for 28×28×1 and its exact per-layer figures. */
export function chosenLayers(): LayerRow[] {
  // [name, op, kernel, stride, cout] ; depthwise keeps channels
  const spec: [string, string, number, number, number][] = [
    ['conv_0', 'conv2d', 3, 1, 16], ['dw_1', 'depthwise_conv2d', 3, 2, 16], ['pw_1', 'conv2d', 1, 1, 64],
    ['dw_2', 'depthwise_conv2d', 3, 1, 64], ['pw_2', 'conv2d', 1, 1, 64], ['dw_3', 'depthwise_conv2d', 3, 2, 64],
    ['pw_3', 'conv2d', 1, 1, 128], ['dw_4', 'depthwise_conv2d', 3, 1, 128], ['pw_4', 'conv2d', 1, 1, 128],
    ['pool', 'global_avg_pool', 0, 0, 128], ['fc', 'dense', 0, 0, 10], ['softmax', 'softmax', 0, 0, 10],
  ];
  const cpm: Record<string, number> = { conv2d: 1.9, depthwise_conv2d: 3.4, dense: 2.1, global_avg_pool: 2, softmax: 60 };
  let shape = [28, 28, 1];
  return spec.map(([name, op, k, s, cout]) => {
    const [h, w, cin] = shape as [number, number, number];
    let out: number[];
    let macs: number;
    let weightBytes: number;
    if (op === 'conv2d' || op === 'depthwise_conv2d') {
      const [oh, ow] = [Math.ceil(h / s), Math.ceil(w / s)];
      const c = op === 'conv2d' ? cout : cin;
      out = [oh, ow, c];
      macs = oh * ow * c * k * k * (op === 'conv2d' ? cin : 1);
      weightBytes = k * k * c * (op === 'conv2d' ? cin : 1) + 4 * c;
    } else if (op === 'global_avg_pool') {
      out = [cin]; macs = h * w * cin; weightBytes = 0;
    } else if (op === 'dense') {
      const n = shape.reduce((a, b) => a * b, 1);
      out = [cout]; macs = n * cout; weightBytes = n * cout + 4 * cout;
    } else {
      out = [...shape]; macs = shape.reduce((a, b) => a * b, 1); weightBytes = 0;
    }
    const inBytes = shape.reduce((a, b) => a * b, 1);
    const outBytes = out.reduce((a, b) => a * b, 1);
    const liveBytes = op === 'softmax' ? inBytes : inBytes + outBytes; // softmax runs in place
    const cycles = Math.round(macs * cpm[op]! + 1800);
    shape = out;
    return { name, op, outShape: out, macs, weightBytes, liveBytes, cycles, latencyMs: (cycles / CLOCK) * 1000 };
  });
}

/** A 10×10 confusion matrix with Fashion-MNIST-like confusions, `perClass` samples per row. */
function confusion(rng: Rng, perClass: number, scale: number): number[][] {
  const recall = [0.86, 0.975, 0.83, 0.9, 0.84, 0.965, 0.68, 0.955, 0.975, 0.96].map((r) => Math.min(0.995, r * scale));
  const confuse: Record<number, number[]> = { 0: [6, 3, 2], 1: [3], 2: [4, 6, 0], 3: [0, 4, 6], 4: [2, 6, 3], 5: [7, 9], 6: [0, 2, 4, 3], 7: [5, 9], 8: [0, 2, 6], 9: [7, 5] };
  return recall.map((r, i) => {
    const row = new Array<number>(10).fill(0);
    row[i] = Math.round(perClass * r);
    let rest = perClass - row[i]!;
    const targets = confuse[i]!;
    targets.forEach((j, k) => {
      const share = k === targets.length - 1 ? rest : Math.round(rest * (0.55 + 0.1 * rng.next()));
      const main = Math.round(share * 0.85);
      row[j]! += main;
      rest -= share;
      // a few stray errors anywhere else
      const stray = share - main;
      for (let q = 0; q < stray; q++) {
        const c = rng.int(10);
        row[c === i ? j : c]! += 1;
      }
    });
    return row;
  });
}

const FAMILIES = ['ds-cnn', 'cnn', 'mobilenet-v2', 'mlp', 'ds-cnn', 'cnn', 'mobilenet-v2'];
const BONUS: Record<string, number> = { 'ds-cnn': 0.008, cnn: 0, 'mobilenet-v2': 0.01, mlp: -0.035 };
const NOTES = ['random sample', 'mutated from #{p}: wider stage 2', 'mutated from #{p}: one block fewer', 'mutated from #{p}: stride 2 earlier',
  'planner: use SRAM headroom with more channels', 'planner: cheaper stem to cut latency', 'crossover of #{p} and #{q}'];

export function makeFixture(o: FixtureOptions = {}): ForgeSummary {
  const rng = new Rng(o.seed ?? 7);
  const n = o.trials ?? 40;
  const sramLimit = o.nothingFits ? KiB : o.sramLimit;
  const lim = { sramBytes: sramLimit ?? 96 * KiB, flashBytes: 448 * KiB, latencyMs: 50 };
  const layers = chosenLayers();
  const arena = Math.max(...layers.map((l) => l.liveBytes));
  const chosenCost = {
    sramBytes: arena + 784 + 10 + 2 * KiB,
    flashBytes: layers.reduce((a, l) => a + l.weightBytes, 0) + KERNEL_CODE,
    latencyMs: layers.reduce((a, l) => a + l.latencyMs, 0),
    macs: layers.reduce((a, l) => a + l.macs, 0),
    params: layers.reduce((a, l) => a + (l.weightBytes > 0 ? l.weightBytes - 3 * (l.outShape.at(-1) ?? 0) : 0), 0),
  };
  const chosenIdx = Math.floor(n * 0.6);

  // screening: cost estimates, feasibility
  const draft = Array.from({ length: n }, (_, i) => {
    const family = i === chosenIdx ? 'ds-cnn' : FAMILIES[rng.int(FAMILIES.length)]!;
    const u = rng.next();
    let est;
    if (i === chosenIdx) est = { ...chosenCost };
    else {
      const sram = Math.round(2 ** (12 + 6.3 * u) * (family === 'mlp' ? 0.35 : 1));
      const flash = Math.round(sram * (family === 'mlp' ? rng.uniform(8, 14) : rng.uniform(0.9, 3.2)) + KERNEL_CODE);
      const macs = Math.round(sram * (family === 'mlp' ? rng.uniform(2, 4) : rng.uniform(20, 75)));
      const latencyMs = (macs * rng.uniform(2.0, 2.8) + 20_000) / CLOCK * 1000;
      est = { sramBytes: sram, flashBytes: flash, latencyMs, macs, params: Math.round(flash - KERNEL_CODE) * 0.96 };
      est.params = Math.round(est.params);
    }
    const reasons: string[] = [];
    const k = (b: number): string => `${(b / KiB).toFixed(1)} KiB`;
    if (est.sramBytes > lim.sramBytes) reasons.push(`SRAM ${k(est.sramBytes)} > ${k(lim.sramBytes)}`);
    if (est.flashBytes > lim.flashBytes) reasons.push(`flash ${k(est.flashBytes)} > ${k(lim.flashBytes)}`);
    if (est.latencyMs > lim.latencyMs) reasons.push(`latency ${est.latencyMs.toFixed(1)} ms > ${lim.latencyMs} ms`);
    const size = Math.log2(Math.max(est.sramBytes, 2048)) - 12;
    const lr = [1e-3, 2e-3, 3e-3, 5e-3, 1e-2][rng.int(5)]!;
    const potential = 0.8 + 0.095 * (1 - Math.exp(-size / 2.2)) + BONUS[family]! + rng.normal() * 0.005 - (lr === 1e-2 ? 0.01 : 0);
    const p = 1 + rng.int(Math.max(1, i)), q = 1 + rng.int(Math.max(1, i));
    const note = i < 6 ? 'random sample' : NOTES[rng.int(NOTES.length)]!.replace('{p}', String(p)).replace('{q}', String(q));
    return { id: i + 1, family, est, reasons, lr, potential, note };
  });
  const chosenDraft = draft[chosenIdx]!;
  chosenDraft.potential = Math.max(...draft.filter((d) => !d.reasons.length && d !== chosenDraft).map((d) => d.potential), 0.85) + 0.004;
  chosenDraft.lr = 3e-3;

  // successive halving: rungs of 3, 9, 27 epochs; top third advances
  const epochsAt = [3, 9, 27];
  const curveFor = (d: (typeof draft)[number], epochs: number): TrialRow['curve'] => {
    const r = new Rng(d.id * 977);
    return Array.from({ length: epochs }, (_, e) => {
      const t = e + 1;
      const acc = d.potential - (d.potential - 0.7) * Math.exp(-t / 2) + r.normal() * 0.004;
      const loss = 0.27 + (1 - d.potential) * 1.5 + 1.05 * Math.exp(-t / 2.6) + r.normal() * 0.01;
      return [t, Number(loss.toFixed(4)), Number(Math.min(0.999, acc).toFixed(4))] as [number, number, number];
    });
  };
  const failedIds = new Set(draft.filter((d) => !d.reasons.length && d !== chosenDraft).slice(3, 5).map((d) => d.id).filter((_, k) => k < 2 && n >= 20));
  let alive = draft.filter((d) => !d.reasons.length && !failedIds.has(d.id));
  const rungOf = new Map<number, number>();
  for (let rung = 0; rung < epochsAt.length; rung++) {
    for (const d of alive) rungOf.set(d.id, rung);
    if (rung === epochsAt.length - 1) break;
    const keep = Math.max(1, Math.ceil(alive.length * (rung === 0 ? 0.5 : 0.55)));
    alive = [...alive].sort((a, b) => b.potential - a.potential).slice(0, keep);
  }
  const finalists = new Set([...alive].sort((a, b) => b.potential - a.potential).slice(0, 4).map((d) => d.id));

  const trials: TrialRow[] = draft.map((d): TrialRow => {
    const base = { id: d.id, key: `${d.family}:${(d.id * 2654435761 % 2 ** 32).toString(16).padStart(8, '0')}`, family: d.family, lr: d.lr, estimate: d.est, feasible: !d.reasons.length, reasons: d.reasons, note: d.note };
    if (d.reasons.length) return { ...base, status: 'infeasible', epochs: 0, rung: 0, valAccuracy: null, int8ValAccuracy: null, curve: [] };
    if (failedIds.has(d.id)) return { ...base, status: 'failed', epochs: 1, rung: 0, valAccuracy: null, int8ValAccuracy: null, curve: [], note: 'training diverged at epoch 2 (loss exploded); not retried' };
    const rung = rungOf.get(d.id)!;
    const curve = curveFor(d, epochsAt[rung]!);
    const val = curve.at(-1)![2]!;
    const top = rung === epochsAt.length - 1;
    const int8 = top ? Number((val - 0.001 - rng.next() * 0.009).toFixed(4)) : null;
    const status = !top ? 'pruned' : finalists.has(d.id) ? 'finalist' : 'trained';
    return { ...base, status, epochs: epochsAt[rung]!, rung, valAccuracy: val, int8ValAccuracy: int8, curve };
  });

  const feasibleAny = trials[chosenIdx]!.feasible;
  const cm = confusion(rng, 600, 1.005);
  const total = cm.flat().reduce((a, b) => a + b, 0);
  const accInt8 = cm.reduce((a, r, i) => a + r[i]!, 0) / total;
  const ct = trials[chosenIdx]!;
  if (feasibleAny) {
    ct.int8ValAccuracy = Number(accInt8.toFixed(4));
    ct.valAccuracy = Number((accInt8 + 0.0035).toFixed(4));
    ct.curve = ct.curve.map(([e, l, a], k, all): [number, number, number | null] => [e, l, k === all.length - 1 ? ct.valAccuracy : a]);
  }
  const scored = trials.filter((t) => t.int8ValAccuracy !== null);
  const front = paretoFront(
    scored.map((t) => ({ acc: t.int8ValAccuracy!, sram: t.estimate.sramBytes, flash: t.estimate.flashBytes, lat: t.estimate.latencyMs })),
    [{ key: 'acc', goal: 'max' }, { key: 'sram', goal: 'min' }, { key: 'flash', goal: 'min' }, { key: 'lat', goal: 'min' }],
  ).map((i) => scored[i]!.id);

  const summary: ForgeSummary = {
    runId: `fmnist-m4-${(o.seed ?? 7).toString().padStart(4, '0')}`,
    mlforgeVersion: '0.1.0',
    dataset: { name: 'fashion-mnist', train: 54_000, val: 6_000, test: 10_000, classes: 10, labels: [...(o.labels ?? FASHION_LABELS)] },
    board: { name: 'nucleo-f446re', core: 'cortex-m4', clockHz: CLOCK, sramBytes: 128 * KiB, flashBytes: 512 * KiB },
    constraints: {
      ...lim,
      explanation: [
        sramLimit !== undefined ? `SRAM ${(lim.sramBytes / KiB).toFixed(1)} KiB set in spec (constraints.sram)` : 'SRAM 96 KiB = board SRAM 128 KiB minus 32 KiB reserve for application and RTOS (default)',
        'flash 448 KiB = board flash 512 KiB minus 64 KiB reserve for application code (default)',
        'latency 50 ms set in spec (constraints.latency)',
      ],
    },
    budget: { seconds: 1800, trials: 40, usedSeconds: 1412.6 },
    trials,
    front,
    chosen: feasibleAny ? {
      trialId: ct.id, family: ct.family, accuracyFloat: ct.valAccuracy!, accuracyInt8: ct.int8ValAccuracy!,
      sramBytes: chosenCost.sramBytes, arenaBytes: arena, flashBytes: chosenCost.flashBytes, latencyMs: chosenCost.latencyMs,
      fits: true, layers, confusion: cm, model: { name: `ds-cnn-${ct.id}`, inputShape: [28, 28, 1] },
    } : null,
    exportDir: feasibleAny ? '/home/user/forge/fmnist-m4/export/c' : null,
    tflitePath: feasibleAny ? '/home/user/forge/fmnist-m4/export/model_int8.tflite' : null,
    firstFeasibleSeconds: feasibleAny ? 38.4 : null,
    notes: [...(o.notes ?? [
      'Constraints derived from the board database (nucleo-f446re) with default reserves.',
      `${trials.filter((t) => t.status === 'infeasible').length} candidates were rejected by the cost model before training.`,
      'Successive halving: rungs of 3, 9 and 27 epochs; the top half advanced from rung 0 and 55% from rung 1.',
      'int8 accuracy measured with the shipped C kernels on 6,000 validation samples; calibration used 512 training samples.',
    ])],
  };
  return ForgeSummary.parse(summary);
}
