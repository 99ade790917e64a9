/**
 * The simulated machine behind synth-vibration: 3-axis accelerometer
 * readings of a rotating machine, computed from its physics.
 *
 * The machine: an induction motor driving a load through a shaft on two
 * rolling bearings; the accelerometer (ADXL345-like: ±16 g, 3.9 mg/LSB) sits on
 * the drive-end bearing housing, x horizontal radial, y vertical radial (it
 * reads +1 g of gravity, a little on x from a mounting tilt), z axial.
 *
 * Shaft rate fr = rpm/60 · (1 − 0.02·load) (slip grows with load), wandering
 * ±0.2 % slowly; the shaft angle θ is its integral. Accelerations in g:
 * - residual imbalance (every machine): 1× radial, an elliptical orbit (the
 *   vertical direction is stiffer), centrifugal so ∝ fr²; small 2×, 3×, axial 1×;
 * - magnetic vibration at twice the line frequency (100 or 120 Hz) ∝ load;
 * - flow/process noise: broadband, through the housing resonance, ∝ load·fr;
 * - imbalance fault: a larger 1× radial orbit ∝ fr²;
 * - misalignment: 2× (and 1×, 3×) axial, 2× radial;
 * - looseness: a truncated (impacting) 1× wave — harmonics up to ~10× —
 *   alternating from one revolution to the next (½× sub-harmonics) with
 *   cycle-to-cycle scatter, mostly vertical, and a knock once a revolution
 *   that rings the housing mode;
 * - bearing defects: impacts at the characteristic frequency, each ringing the
 *   housing resonance (a damped 2nd-order mode, 330–420 Hz, ζ 3–7 %, per
 *   machine), impact strength ∝ fr^1.5, 1 % random slip between impacts:
 *   outer race at BPFO (fixed in the load zone: steady), inner race at BPFI
 *   (amplitude-modulated by the shaft rotation: the defect rotates through the
 *   load zone), rolling element at 2×BSF (it strikes both races each spin)
 *   modulated by the cage rate FTF;
 * - sensor: per-axis sensitivity ±3 %, white noise 3–6 mg, drift (a slow
 *   random walk plus a linear thermal drift), 3.9 mg quantisation.
 *
 * Bearing geometry (SKF 6205-2RS deep-groove ball bearing, as in the CWRU
 * bearing data): 9 balls of d = 7.94 mm on a pitch diameter D = 39.04 mm,
 * contact angle 0°. Per shaft revolution: FTF = ½(1 − d/D) = 0.398,
 * BPFO = n/2·(1 − d/D) = 3.585, BPFI = n/2·(1 + d/D) = 5.415,
 * BSF = D/(2d)·(1 − (d/D)²) = 2.357 (defect impacts at 2×BSF = 4.714).
 */
import { Rng } from '../../util/random.js';

export interface BearingGeometry {
  readonly name: string;
  readonly balls: number;
  readonly ballDiameterMm: number;
  readonly pitchDiameterMm: number;
  readonly contactAngleDeg: number;
}

export const BEARING_6205: BearingGeometry = { name: 'SKF 6205-2RS', balls: 9, ballDiameterMm: 7.94, pitchDiameterMm: 39.04, contactAngleDeg: 0 };

export interface BearingFrequencies {
  /** Fundamental train (cage) frequency. */
  readonly ftf: number;
  /** Ball pass frequency, outer race. */
  readonly bpfo: number;
  /** Ball pass frequency, inner race. */
  readonly bpfi: number;
  /** Ball spin frequency (a ball defect strikes at 2×BSF). */
  readonly bsf: number;
}

/** Characteristic defect frequencies in Hz for a shaft rate in Hz (orders for shaftHz = 1). */
export function bearingFrequencies(b: BearingGeometry, shaftHz: number): BearingFrequencies {
  const r = (b.ballDiameterMm / b.pitchDiameterMm) * Math.cos((b.contactAngleDeg * Math.PI) / 180);
  return {
    ftf: (shaftHz / 2) * (1 - r),
    bpfo: ((b.balls * shaftHz) / 2) * (1 - r),
    bpfi: ((b.balls * shaftHz) / 2) * (1 + r),
    bsf: ((b.pitchDiameterMm * shaftHz) / (2 * b.ballDiameterMm)) * (1 - r * r),
  };
}

export const VIBRATION_FAULTS = ['imbalance', 'misalignment', 'looseness', 'bearing-outer', 'bearing-inner', 'bearing-ball'] as const;
export type VibrationFault = (typeof VIBRATION_FAULTS)[number];
export type VibrationLabel = 'normal' | VibrationFault;

export interface OperatingCondition {
  readonly rpm: number;
  /** 0..1 of rated load. */
  readonly load: number;
}

export const conditionName = (c: OperatingCondition): string => `${c.rpm}rpm-load${Math.round(c.load * 100)}`;

export const VIBRATION_TRAIN_CONDITIONS: readonly OperatingCondition[] = [1200, 1800, 2400, 3000].flatMap((rpm) => [0.25, 0.75].map((load) => ({ rpm, load })));
/** Speeds between the training ones; loads at the middle and beyond the top of the training range. */
export const VIBRATION_TEST_CONDITIONS: readonly OperatingCondition[] = [1500, 2100, 2700].flatMap((rpm) => [0.5, 1].map((load) => ({ rpm, load })));

/** Per-machine constants (drawn from the seed). */
export interface MachineParams {
  readonly id: string;
  /** Residual 1× imbalance acceleration (g) at 30 Hz shaft rate. */
  readonly imbalance: number;
  /** Vertical over horizontal 1× response (stiffer vertically). */
  readonly vertical: number;
  readonly harmonic2: number;
  readonly harmonic3: number;
  readonly resonanceHz: number;
  readonly damping: number;
  readonly lineHz: 50 | 60;
  /** Magnetic 2×line amplitude (g) at full load. */
  readonly magnetic: number;
  readonly sensitivity: readonly [number, number, number];
  /** Sensor white noise (g RMS). */
  readonly noise: number;
  readonly tiltRad: number;
}

export function drawMachine(id: string, rng: Rng): MachineParams {
  return {
    id,
    imbalance: rng.uniform(0.015, 0.035),
    vertical: rng.uniform(0.6, 0.85),
    harmonic2: rng.uniform(0.15, 0.35),
    harmonic3: rng.uniform(0.05, 0.12),
    resonanceHz: rng.uniform(330, 420),
    damping: rng.uniform(0.03, 0.07),
    lineHz: rng.pick([50, 60] as const),
    magnetic: rng.uniform(0.004, 0.012),
    sensitivity: [rng.uniform(0.97, 1.03), rng.uniform(0.97, 1.03), rng.uniform(0.97, 1.03)],
    noise: rng.uniform(0.003, 0.006),
    tiltRad: rng.uniform(-0.05, 0.05),
  };
}

export interface RecordingSpec {
  readonly machine: MachineParams;
  readonly condition: OperatingCondition;
  readonly label: VibrationLabel;
  /** Fault severity (1 = a developed fault); ignored for normal. */
  readonly severity: number;
  readonly sampleRate: number;
  readonly seconds: number;
  readonly seed: number;
  readonly bearing?: BearingGeometry;
}

export interface Recording {
  /** Samples × 3 (x, y, z) interleaved, in g. */
  readonly xyz: Float32Array;
  readonly rows: number;
  /** Mean shaft rate in Hz (after slip). */
  readonly shaftHz: number;
}

const SLIP = 0.02;
const LSB = 1 / 256;
const RANGE = 16;

/** A damped second-order mode, impulse response normalised to a peak ≈ 1 per unit impulse. */
class Resonator {
  private y1 = 0;
  private y2 = 0;
  private readonly a1: number;
  private readonly a2: number;
  private readonly g: number;
  constructor(hz: number, damping: number, fs: number) {
    const w = (2 * Math.PI * Math.min(hz, 0.45 * fs)) / fs;
    const r = Math.exp(-damping * w);
    this.a1 = 2 * r * Math.cos(w * Math.sqrt(1 - damping * damping));
    this.a2 = -r * r;
    this.g = Math.sin(w);
  }
  step(x: number): number {
    const y = this.a1 * this.y1 + this.a2 * this.y2 + this.g * x;
    this.y2 = this.y1;
    this.y1 = y;
    return y;
  }
}

/** Simulates one recording (see the file comment for the model). */
export function simulateRecording(spec: RecordingSpec): Recording {
  const { machine: m, condition: c, label, sampleRate: fs } = spec;
  const rng = new Rng(spec.seed);
  const n = Math.round(spec.seconds * fs);
  const dt = 1 / fs;
  const f0 = (c.rpm / 60) * (1 - SLIP * c.load);
  const sev = label === 'normal' ? 0 : spec.severity;
  const bearing = bearingFrequencies(spec.bearing ?? BEARING_6205, 1);
  const s2 = (f0 / 30) ** 2; // centrifugal: ∝ ω²
  const s15 = (f0 / 30) ** 1.5;

  // Slow speed wander: three sinusoids 0.05–0.5 Hz, ±0.2 % in all.
  const wander = Array.from({ length: 3 }, () => ({ f: rng.uniform(0.05, 0.5), p: rng.uniform(0, 2 * Math.PI), a: rng.uniform(0.0003, 0.0007) }));
  const ph = () => rng.uniform(0, 2 * Math.PI);
  const p1 = ph(), p2 = ph(), p3 = ph(), pz = ph(), pm = ph(), pf = ph(), pf2 = ph(), pf3 = ph(), pl = ph(), pmod = ph();
  const imb = m.imbalance * s2;
  const fault = {
    imbalance: label === 'imbalance' ? sev * 0.15 * s2 : 0,
    misalignment: label === 'misalignment' ? sev * 0.08 * s2 : 0,
    looseness: label === 'looseness' ? sev * 0.07 * s2 : 0,
  };
  // Bearing defect: impacts per shaft revolution, strength, modulation.
  const impactOrder = label === 'bearing-outer' ? bearing.bpfo : label === 'bearing-inner' ? bearing.bpfi : label === 'bearing-ball' ? 2 * bearing.bsf : 0;
  const impact = label === 'bearing-outer' ? 0.25 : label === 'bearing-inner' ? 0.3 : 0.2;
  const magnetic = m.magnetic * (0.3 + 0.7 * c.load);
  const lineW = 2 * Math.PI * 2 * m.lineHz;
  const processRms = (0.004 + 0.008 * c.load) * (f0 / 30);

  const bearingMode = new Resonator(m.resonanceHz, m.damping, fs);
  const processMode = new Resonator(m.resonanceHz * 0.8, 0.25, fs);
  const processMode2 = new Resonator(m.resonanceHz * 0.3, 0.3, fs);
  // Sensor drift: random walk (low-passed) plus a linear thermal drift over the recording.
  const thermal = [rng.uniform(-0.004, 0.004), rng.uniform(-0.004, 0.004), rng.uniform(-0.004, 0.004)];
  const walk = [0, 0, 0];
  const walkLp = [0, 0, 0];

  const xyz = new Float32Array(n * 3);
  let theta = ph();
  let cycles = rng.next(); // defect-impact phase in impacts; an impact when it passes 1
  let nextImpactAt = 1 + 0.01 * rng.normal();
  let rev = 0;
  let revAmp = 1;
  let lastRevTheta = theta;
  let fSum = 0;
  for (let i = 0; i < n; i++) {
    const t = i * dt;
    let f = f0;
    for (const w of wander) f += f0 * w.a * Math.sin(2 * Math.PI * w.f * t + w.p);
    fSum += f;
    theta += 2 * Math.PI * f * dt;
    const th = theta;

    // Residual 1×, 2×, 3× and axial 1×.
    let x = imb * Math.cos(th + p1) + imb * m.harmonic2 * Math.cos(2 * th + p2) + imb * m.harmonic3 * Math.cos(3 * th + p3);
    let y = imb * m.vertical * Math.sin(th + p1) + imb * m.harmonic2 * m.vertical * Math.sin(2 * th + p2) + imb * m.harmonic3 * Math.sin(3 * th + p3);
    let z = 0.2 * imb * Math.cos(th + pz);
    // Magnetic 2× line frequency.
    x += magnetic * Math.cos(lineW * t + pm);
    y += 0.6 * magnetic * Math.sin(lineW * t + pm);
    // Process noise through two broad modes.
    const e = processRms * (processMode.step(rng.normal()) + 0.7 * processMode2.step(rng.normal())) * 2.2;
    x += e;
    y += 0.8 * e;
    z += 0.5 * e;

    if (fault.imbalance) {
      x += fault.imbalance * Math.cos(th + pf);
      y += fault.imbalance * m.vertical * Math.sin(th + pf);
      z += 0.1 * fault.imbalance * Math.cos(th + pf);
    }
    if (fault.misalignment) {
      const b = fault.misalignment;
      z += b * (0.6 * Math.cos(th + pf) + Math.cos(2 * th + pf2) + 0.25 * Math.cos(3 * th + pf3));
      x += 0.5 * b * Math.cos(2 * th + pf2 + 0.4);
      y += 0.4 * b * Math.sin(2 * th + pf2 + 0.4);
    }
    let kick = 0;
    if (fault.looseness) {
      // One revolution from the next: alternate strong/weak (½×), with scatter;
      // the part lands once a revolution, ringing the housing mode.
      if (th - lastRevTheta >= 2 * Math.PI) {
        lastRevTheta += 2 * Math.PI;
        rev++;
        revAmp = 1 + 0.35 * (rev % 2 === 0 ? 1 : -1) + 0.15 * rng.normal();
        kick = 1.5 * fault.looseness * Math.max(0, revAmp);
      }
      const w = Math.max(0, Math.cos(th + pl) - 0.3) - 0.2; // truncated wave (mean ≈ 0)
      const v = fault.looseness * (4 * revAmp * w + 0.3 * Math.cos(th / 2 + pl));
      y += v;
      x += 0.4 * v;
      z += 0.1 * v;
    }

    // Bearing defect impacts ringing the housing mode.
    if (impactOrder > 0) {
      cycles += impactOrder * f * dt;
      if (cycles >= nextImpactAt) {
        let a = sev * impact * s15 * (1 + 0.1 * rng.normal());
        if (label === 'bearing-inner') a *= 0.15 + 0.85 * 0.5 * (1 + Math.cos(th + pmod)); // defect through the load zone once a revolution
        if (label === 'bearing-ball') a *= 0.1 + 0.9 * 0.5 * (1 + Math.cos(bearing.ftf * th + pmod)); // the ball through the load zone at the cage rate
        kick += a;
        cycles -= nextImpactAt;
        nextImpactAt = 1 + 0.01 * rng.normal();
      }
    }
    const ring = bearingMode.step(kick);
    y += ring;
    x += 0.45 * ring;
    z += 0.2 * ring;

    // Gravity (y vertical, slight tilt), drift, sensitivity, noise, quantisation.
    const g = [Math.sin(m.tiltRad), Math.cos(m.tiltRad), 0];
    const axes = [x, y, z];
    for (let a = 0; a < 3; a++) {
      walk[a] += 0.0004 * rng.normal();
      walkLp[a] += 0.002 * (walk[a]! - walkLp[a]!);
      const drift = thermal[a]! * (t / spec.seconds) + walkLp[a]!;
      const v = (axes[a]! + g[a]! + drift) * m.sensitivity[a]! + m.noise * rng.normal();
      xyz[i * 3 + a] = Math.max(-RANGE, Math.min(RANGE, Math.round(v / LSB) * LSB));
    }
  }
  return { xyz, rows: n, shaftHz: n ? fSum / n : f0 };
}
