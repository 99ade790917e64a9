/**
 * 3-axis accelerometer recordings of a rotating machine from a physical
 * simulation, nothing downloaded: normal running for training, labelled
 * faults for testing, and test operating conditions that training never saw.
 *
 * Splits (the manifest's `split` column): train = normal only, at the training
 * conditions; val = normal and every fault at training conditions (other
 * recordings); test = normal and faults at conditions training never saw
 * (speeds between the training speeds, loads outside them). The machine and
 * its physics: machine.ts.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MlforgeError } from '../../errors.js';
import { Rng } from '../../util/random.js';
import { cacheDir, csvLine, prepareOut, settingsHash, writeStamp, type Stamp } from './common.js';
import {
  BEARING_6205, bearingFrequencies, conditionName, drawMachine, simulateRecording, VIBRATION_FAULTS, VIBRATION_TEST_CONDITIONS,
  VIBRATION_TRAIN_CONDITIONS, type BearingFrequencies, type BearingGeometry, type MachineParams, type OperatingCondition,
  type Recording, type VibrationLabel,
} from './machine.js';

/** CSV text: timestamp (s), x, y, z (g). */
export function recordingCsv(r: Recording, sampleRate: number): string {
  const digits = Math.max(3, Math.ceil(Math.log10(sampleRate)) + 1);
  const lines = new Array<string>(r.rows + 1);
  lines[0] = 'timestamp,x,y,z';
  for (let i = 0; i < r.rows; i++) {
    lines[i + 1] = `${(i / sampleRate).toFixed(digits)},${r.xyz[3 * i]!.toFixed(4)},${r.xyz[3 * i + 1]!.toFixed(4)},${r.xyz[3 * i + 2]!.toFixed(4)}`;
  }
  return lines.join('\n') + '\n';
}

export interface SynthVibrationOptions {
  /** Output folder; default ~/.cache/mlforge/synth-vibration-<hash>. */
  readonly out?: string;
  readonly seed?: number;
  /** Hz; default 1000. */
  readonly sampleRate?: number;
  /** Seconds per recording; default 6. */
  readonly seconds?: number;
  /** Machines (each with its own constants); default 4. */
  readonly machines?: number;
  /** Normal training recordings per machine and training condition; default 2. */
  readonly trainRecordings?: number;
  readonly trainConditions?: readonly OperatingCondition[];
  readonly testConditions?: readonly OperatingCondition[];
  readonly onProgress?: (done: number, total: number) => void;
}

export interface SynthVibrationSummary {
  readonly out: string;
  readonly manifest: string;
  readonly cached: boolean;
  readonly hash: string;
  readonly recordings: number;
  readonly rows: number;
  readonly sampleRate: number;
  readonly splits: readonly { split: string; label: string; recordings: number }[];
  readonly conditions: { readonly train: readonly string[]; readonly test: readonly string[] };
  readonly bearing: BearingGeometry & { readonly orders: BearingFrequencies };
  readonly bytes: number;
  readonly seconds: number;
}

interface VibrationSettings {
  generator: 'synth-vibration';
  version: number;
  seed: number;
  sampleRate: number;
  seconds: number;
  machines: number;
  trainRecordings: number;
  trainConditions: OperatingCondition[];
  testConditions: OperatingCondition[];
  bearing: BearingGeometry;
}

const GENERATOR_VERSION = 1;

interface PlannedRecording {
  readonly file: string;
  readonly label: VibrationLabel;
  readonly split: 'train' | 'val' | 'test';
  readonly machine: MachineParams;
  readonly condition: OperatingCondition;
  readonly severity: number;
  readonly group: string;
  readonly seed: number;
}

function planRecordings(s: VibrationSettings): PlannedRecording[] {
  const rng = new Rng(s.seed);
  const machines = Array.from({ length: s.machines }, (_, i) => drawMachine(`m${i + 1}`, rng));
  const out: PlannedRecording[] = [];
  const add = (label: VibrationLabel, split: PlannedRecording['split'], machine: MachineParams, condition: OperatingCondition) => {
    const k = out.length + 1;
    const group = `${machine.id}-r${String(k).padStart(3, '0')}`;
    out.push({
      file: `${label}/${machine.id}_${conditionName(condition)}_${split}_r${String(k).padStart(3, '0')}.csv`,
      label, split, machine, condition, group,
      // Log-uniform 0.5–1.5: incipient to developed.
      severity: label === 'normal' ? 0 : +Math.exp(rng.uniform(Math.log(0.5), Math.log(1.5))).toFixed(3),
      seed: rng.fork(),
    });
  };
  for (const m of machines) for (const c of s.trainConditions) for (let r = 0; r < s.trainRecordings; r++) add('normal', 'train', m, c);
  // Validation at training conditions: one normal per machine and speed, every fault once per machine.
  const speeds = [...new Set(s.trainConditions.map((c) => c.rpm))];
  for (const m of machines) {
    for (const rpm of speeds) add('normal', 'val', m, rng.pick(s.trainConditions.filter((c) => c.rpm === rpm)));
    for (const f of VIBRATION_FAULTS) add(f, 'val', m, rng.pick(s.trainConditions));
  }
  // Test at unseen conditions: one normal and two faults per machine and condition, faults in turn.
  let turn = 0;
  for (const m of machines) {
    for (const c of s.testConditions) {
      add('normal', 'test', m, c);
      for (let k = 0; k < 2; k++) add(VIBRATION_FAULTS[turn++ % VIBRATION_FAULTS.length]!, 'test', m, c);
    }
  }
  return out;
}

function vibrationSettings(o: SynthVibrationOptions): VibrationSettings {
  const int = (name: string, v: number, lo: number, hi: number) => {
    if (!Number.isInteger(v) || v < lo || v > hi) throw new MlforgeError('BAD_INPUT', `synth-vibration: ${name} must be an integer in ${lo}..${hi}, got ${v}`);
    return v;
  };
  const seconds = o.seconds ?? 6;
  if (!(Number.isFinite(seconds) && seconds >= 0.5 && seconds <= 600)) throw new MlforgeError('BAD_INPUT', `synth-vibration: seconds must be in 0.5..600, got ${seconds}`);
  const sampleRate = int('sampleRate', o.sampleRate ?? 1000, 200, 100_000);
  const trainConditions = [...(o.trainConditions ?? VIBRATION_TRAIN_CONDITIONS)];
  const testConditions = [...(o.testConditions ?? VIBRATION_TEST_CONDITIONS)];
  for (const c of [...trainConditions, ...testConditions]) {
    if (!(c.rpm >= 60 && c.rpm <= 60_000) || !(c.load >= 0 && c.load <= 1.5)) throw new MlforgeError('BAD_INPUT', `synth-vibration: condition ${JSON.stringify(c)}: rpm must be in 60..60000 and load in 0..1.5`);
    // Bearing impacts ring a ~400 Hz mode; the fastest defect line must stay under Nyquist too.
    if ((c.rpm / 60) * 5.5 > sampleRate / 2) throw new MlforgeError('BAD_INPUT', `synth-vibration: ${c.rpm} rpm puts BPFI above the Nyquist frequency at ${sampleRate} Hz`);
  }
  if (trainConditions.length === 0 || testConditions.length === 0) throw new MlforgeError('BAD_INPUT', 'synth-vibration: need training and test conditions');
  const seen = new Set(trainConditions.map(conditionName));
  const both = testConditions.find((c) => seen.has(conditionName(c)));
  if (both) throw new MlforgeError('BAD_INPUT', `synth-vibration: test condition ${conditionName(both)} is also a training condition`);
  return {
    generator: 'synth-vibration', version: GENERATOR_VERSION,
    seed: int('seed', o.seed ?? 1, -(2 ** 31), 2 ** 32),
    sampleRate, seconds,
    machines: int('machines', o.machines ?? 4, 1, 100),
    trainRecordings: int('trainRecordings', o.trainRecordings ?? 2, 1, 100),
    trainConditions, testConditions, bearing: BEARING_6205,
  };
}

const MANIFEST_HEADER = ['file', 'label', 'group', 'split', 'condition', 'machine', 'rpm', 'load', 'shaft_hz', 'severity', 'bpfo_hz', 'bpfi_hz', 'bsf_hz', 'ftf_hz', 'resonance_hz'];

export async function synthVibration(o: SynthVibrationOptions = {}): Promise<SynthVibrationSummary> {
  const settings = vibrationSettings(o);
  const hash = settingsHash(settings);
  const out = o.out ?? join(cacheDir(), `synth-vibration-${hash.slice(0, 12)}`);
  const old = prepareOut(out, 'synth-vibration', hash);
  if (old) return { ...(old.summary as unknown as SynthVibrationSummary), out, manifest: join(out, 'manifest.csv'), cached: true };

  const t0 = Date.now();
  const labels: VibrationLabel[] = ['normal', ...VIBRATION_FAULTS];
  const stamp: Stamp<VibrationSettings> = { generator: 'synth-vibration', hash, settings, complete: false, owns: [...labels, 'manifest.csv'] };
  writeStamp(out, stamp);
  for (const l of labels) mkdirSync(join(out, l), { recursive: true });

  const plan = planRecordings(settings);
  const rows: string[] = [csvLine(MANIFEST_HEADER)];
  let bytes = 0;
  let totalRows = 0;
  for (const [i, p] of plan.entries()) {
    const r = simulateRecording({ machine: p.machine, condition: p.condition, label: p.label, severity: p.severity, sampleRate: settings.sampleRate, seconds: settings.seconds, seed: p.seed, bearing: settings.bearing });
    const text = recordingCsv(r, settings.sampleRate);
    writeFileSync(join(out, p.file), text);
    bytes += Buffer.byteLength(text);
    totalRows += r.rows;
    const bf = bearingFrequencies(settings.bearing, r.shaftHz);
    rows.push(csvLine([p.file, p.label, p.group, p.split, conditionName(p.condition), p.machine.id, p.condition.rpm, p.condition.load,
      r.shaftHz.toFixed(3), p.severity || '', bf.bpfo.toFixed(2), bf.bpfi.toFixed(2), bf.bsf.toFixed(2), bf.ftf.toFixed(2), p.machine.resonanceHz.toFixed(1)]));
    o.onProgress?.(i + 1, plan.length);
    // Let a progress bar (and signals) through between recordings.
    await new Promise((res) => setImmediate(res));
  }
  const manifest = join(out, 'manifest.csv');
  writeFileSync(manifest, rows.join('\n') + '\n');
  bytes += statSync(manifest).size;

  const counts = new Map<string, number>();
  for (const p of plan) counts.set(`${p.split}\t${p.label}`, (counts.get(`${p.split}\t${p.label}`) ?? 0) + 1);
  const summary: SynthVibrationSummary = {
    out, manifest, cached: false, hash,
    recordings: plan.length, rows: totalRows, sampleRate: settings.sampleRate,
    splits: [...counts].map(([k, recordings]) => ({ split: k.split('\t')[0]!, label: k.split('\t')[1]!, recordings })),
    conditions: { train: settings.trainConditions.map(conditionName), test: settings.testConditions.map(conditionName) },
    bearing: { ...settings.bearing, orders: bearingFrequencies(settings.bearing, 1) },
    bytes,
    seconds: +((Date.now() - t0) / 1000).toFixed(1),
  };
  writeStamp(out, { ...stamp, complete: true, summary: summary as unknown as Record<string, unknown> });
  return summary;
}
