/**
 * verify for a model with a front end: the device gets raw windows, runs
 * mlforge_features then mlforge_invoke (then mlforge_anomaly_score), and
 * returns its float features, int8 inputs, outputs and scores; MLForge runs
 * the TypeScript twin (dsp features in float64 → rawToInput's float32
 * normalization and quantization → in-process int8 → anomaly score) on the
 * same windows. Three questions, three answers:
 *
 * - is the C after the DSP exact? The TS twin applied to the device's own
 *   features must give the device's input bytes (`pipelineMismatches`, 0), the
 *   in-process model on the device's input bytes the device's outputs (the
 *   report's `mismatches`, 0), and the TS score of those bytes the device's
 *   score bit for bit (`scoreMismatches`, 0);
 * - how far apart are the C (float32) and TS (float64) features, and how often
 *   does that flip an int8 input byte (`inputs`);
 * - how often does it change the answer: top-1 class or anomaly decision.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { anomalyScoreOf, featuresToInput, frontEndCost, type FrontEnd, type FrontEndCost } from '../codegen/index.js';
import { featureExtractor, type FeatureConfig } from '../dsp/index.js';
import type { Int8Interpreter as Interpreter, TensorData } from '../engine/int8/index.js';
import { MlforgeError } from '../errors.js';
import { Rng } from '../util/random.js';

export interface FrontEndReport {
  windows: number;
  /** max |C − TS| over all features, and the same relative to max(1, |TS|). */
  featureMaxAbsDiff?: number;
  featureMaxRelDiff?: number;
  /** Windows whose device input bytes differ from the TS twin's normalization + quantization of the device's own features (expected 0). */
  pipelineMismatches?: number;
  /** Device input bytes against the TS twin's on the raw window. */
  inputs?: { bytes: number; windowsDiffering: number; bytesDiffering: number; byteRate: number; windowRate: number; maxDelta: number };
  /** Classifiers: argmax of the device's output against the TS twin's. */
  top1?: { disagreements: number; rate: number };
  anomaly?: {
    threshold: number;
    /** Device scores that are not bit-identical to the TS score of the device's own input and output bytes (expected 0). */
    scoreMismatches: number;
    /** Anomalous-or-not decisions of the device against the TS twin's. */
    decisionDisagreements: number;
    rate: number;
    maxScoreDiff: number;
    /** Windows the device called anomalous. */
    anomalous: number;
  };
  cost: FrontEndCost;
  /** Cortex-M: instructions of mlforge_features per window (mean, min, max). */
  instructions?: { perWindow: number; min: number; max: number };
}

/**
 * Random raw windows for a model without recorded ones: audio as tones, noise
 * and chirps at amplitudes from −60 to 0 dBFS; motion as a gravity offset,
 * vibration tones and sensor noise per axis.
 */
export function randomRawWindows(c: FeatureConfig, count: number, seed = 0): Float32Array[] {
  return Array.from({ length: count }, (_, k) => {
    const rng = new Rng(seed * 1000003 + k * 7919 + 17);
    if (c.kind === 'motion') {
      const x = new Float32Array(c.windowLength * c.axes);
      for (let a = 0; a < c.axes; a++) {
        const g = rng.next() < 0.5 ? rng.uniform(-1, 1) : 0;
        const tones = Array.from({ length: 1 + rng.int(3) }, () => ({ f: rng.uniform(0.5, c.sampleRate / 2), a: 10 ** rng.uniform(-2, 0), p: rng.uniform(0, 6.3) }));
        const noise = 10 ** rng.uniform(-3, -1);
        for (let i = 0; i < c.windowLength; i++) {
          let v = g + noise * rng.normal();
          for (const t of tones) v += t.a * Math.sin((2 * Math.PI * t.f * i) / c.sampleRate + t.p);
          x[i * c.axes + a] = v;
        }
      }
      return x;
    }
    const x = new Float32Array(c.inputLength);
    const amp = 10 ** rng.uniform(-3, 0);
    const kind = k % 3;
    const f0 = rng.uniform(50, c.sampleRate / 4);
    const f1 = rng.uniform(50, c.sampleRate / 2);
    for (let i = 0; i < x.length; i++) {
      const t = i / c.sampleRate;
      const v = kind === 0 ? Math.sin(2 * Math.PI * f0 * t) + 0.5 * Math.sin(2 * Math.PI * f1 * t)
        : kind === 1 ? rng.normal()
          : Math.sin(2 * Math.PI * (f0 + ((f1 - f0) * i) / (2 * x.length)) * t);
      x[i] = amp * v + 1e-4 * rng.normal();
    }
    return x;
  });
}

export interface FrontEndRun {
  readonly fe: FrontEnd;
  readonly count: number;
  /** TS twin per window: input bytes and outputs (features models), scores. */
  readonly tsInputs?: Int8Array[];
  readonly tsOutputs?: TensorData[];
  readonly tsFeatures?: Float32Array[];
  /** Anomaly-only models: the int8 inputs fed. */
  readonly samples?: Int8Array[];
}

const bytesOf = (x: TensorData): Buffer => Buffer.from(x.buffer, x.byteOffset, x.byteLength);

/** Writes raw.bin (features) or inputs.bin (anomaly only) into buildDir and runs the TS side. */
export function prepareFrontEnd(fe: FrontEnd, interp: Interpreter, buildDir: string,
  o: { raw?: readonly ArrayLike<number>[]; samples?: readonly (readonly TensorData[])[]; count: number; seed: number; sampleInputs: () => TensorData[][] }): FrontEndRun {
  const f = fe.features;
  if (!f) {
    const samples = (o.samples ?? o.sampleInputs()).map((s) => s[0] as Int8Array);
    writeFileSync(path.join(buildDir, 'inputs.bin'), Buffer.concat(samples.map(bytesOf)));
    return { fe, count: samples.length, samples };
  }
  const raw = o.raw ?? randomRawWindows(f.config, o.count, o.seed);
  raw.forEach((w, k) => {
    if (w.length !== f.rawLength) throw new MlforgeError('BAD_SHAPE', `raw window ${k}: expected ${f.rawLength} floats for the model's ${f.config.kind} features, got ${w.length}`);
  });
  const extract = featureExtractor(f.config);
  const tsFeatures = raw.map((w) => extract(w));
  const tsInputs = tsFeatures.map((x) => featuresToInput(fe, x));
  const tsOutputs = tsInputs.map((q) => interp.invoke([q])[0]!);
  writeFileSync(path.join(buildDir, 'raw.bin'), Buffer.concat(raw.map((w) => bytesOf(Float32Array.from(w)))));
  return { fe, count: raw.length, tsInputs, tsOutputs, tsFeatures };
}

const argmax = (y: ArrayLike<number>): number => {
  let best = 0;
  for (let i = 1; i < y.length; i++) if (y[i]! > y[best]!) best = i;
  return best;
};

/**
 * Reads frontend.bin and the device outputs; returns the expected outputs for
 * the byte-exact check (in-process model on the device's own input bytes) and
 * the report. `ticksToInstructions` is undefined on the host.
 */
export function compareFrontEnd(run: FrontEndRun, records: Buffer, deviceOutputs: readonly Int8Array[], interp: Interpreter,
  classifier: boolean, ticksToInstructions?: number): { expected: TensorData[][]; report: FrontEndReport } {
  const { fe, count } = run;
  const f = fe.features;
  const recBytes = (f ? 4 * f.length + 8 : 0) + fe.input.size + (fe.anomaly ? 4 : 0);
  if (records.length !== recBytes * count) {
    throw new MlforgeError('TOOL', `expected ${recBytes * count} bytes in frontend.bin from the harness, got ${records.length}`);
  }
  const report: FrontEndReport = { windows: count, cost: frontEndCost(fe) };
  const expected: TensorData[][] = [];
  const deviceInputs: Int8Array[] = [];
  const scores: number[] = [];
  const ticks: number[] = [];
  let featAbs = 0, featRel = 0, pipeline = 0;
  for (let k = 0; k < count; k++) {
    let at = k * recBytes;
    if (f) {
      const feats = new Float32Array(f.length);
      for (let i = 0; i < f.length; i++) feats[i] = records.readFloatLE(at + 4 * i);
      at += 4 * f.length;
      const ts = run.tsFeatures![k]!;
      for (let i = 0; i < f.length; i++) {
        const d = Math.abs(feats[i]! - ts[i]!);
        featAbs = Math.max(featAbs, d);
        featRel = Math.max(featRel, d / Math.max(1, Math.abs(ts[i]!)));
      }
      const q = new Int8Array(records.buffer.slice(records.byteOffset + at, records.byteOffset + at + fe.input.size));
      if (Buffer.compare(bytesOf(featuresToInput(fe, feats)), bytesOf(q)) !== 0) pipeline++;
      deviceInputs.push(q);
    } else {
      deviceInputs.push(new Int8Array(records.buffer.slice(records.byteOffset + at, records.byteOffset + at + fe.input.size)));
    }
    at += fe.input.size;
    if (fe.anomaly) {
      scores.push(records.readFloatLE(at));
      at += 4;
    }
    if (f) ticks.push(records.readUInt32LE(at) + records.readUInt32LE(at + 4) * 2 ** 32);
    expected.push(interp.invoke([deviceInputs[k]!]));
  }
  if (f) {
    let windows = 0, bytes = 0, maxDelta = 0, top1 = 0;
    deviceInputs.forEach((q, k) => {
      const ts = run.tsInputs![k]!;
      let differs = false;
      for (let i = 0; i < q.length; i++) {
        const d = Math.abs(q[i]! - ts[i]!);
        if (d === 0) continue;
        differs = true;
        bytes++;
        maxDelta = Math.max(maxDelta, d);
      }
      if (differs) windows++;
      if (classifier && argmax(deviceOutputs[k]!) !== argmax(run.tsOutputs![k]! as Int8Array)) top1++;
    });
    Object.assign(report, {
      featureMaxAbsDiff: featAbs, featureMaxRelDiff: featRel, pipelineMismatches: pipeline,
      inputs: { bytes: count * fe.input.size, windowsDiffering: windows, bytesDiffering: bytes, byteRate: bytes / (count * fe.input.size), windowRate: windows / count, maxDelta },
    });
    if (classifier) report.top1 = { disagreements: top1, rate: top1 / count };
    if (ticksToInstructions !== undefined) {
      const instr = ticks.map((t) => t * ticksToInstructions);
      report.instructions = { perWindow: Math.round(instr.reduce((a, b) => a + b, 0) / count), min: Math.min(...instr), max: Math.max(...instr) };
    }
  }
  if (fe.anomaly) {
    const thr = fe.anomaly.threshold;
    let exact = 0, decisions = 0, maxDiff = 0, anomalous = 0;
    scores.forEach((s, k) => {
      if (anomalyScoreOf(fe, deviceInputs[k]!, deviceOutputs[k]!) !== s) exact++;
      const ts = f ? anomalyScoreOf(fe, run.tsInputs![k]!, run.tsOutputs![k]! as Int8Array) : s;
      maxDiff = Math.max(maxDiff, Math.abs(ts - s));
      if (ts > thr !== s > thr) decisions++;
      if (s > thr) anomalous++;
    });
    report.anomaly = { threshold: thr, scoreMismatches: exact, decisionDisagreements: decisions, rate: decisions / count, maxScoreDiff: maxDiff, anomalous };
  }
  return { expected, report };
}
