/**
 * The forge: the agent loop of DESIGN.md. A resolved spec in; a Pareto front,
 * the chosen int8 model (C, .tflite, model folders), summary.json and
 * report.html out, every step recorded in the SQLite store so `kill -9` at any
 * moment loses no finished rung.
 *
 *   screen (cost model, before any training) → generations of proposals, each
 *   trained by successive halving → finalists trained longer and compressed
 *   (PTQ, QAT when PTQ loses > 1 point) → the best int8 validation accuracy
 *   within every constraint → test split scored once → export.
 *
 * Reproducible: the planner is seeded and sees only stored outcomes, so a
 * resumed run replays the same proposals (the store refuses a different key
 * at the same position) and finds their results instead of retraining.
 * The time budget counts the stored seconds of replayed rungs, so a resumed
 * run stops where the uninterrupted one would have, give or take a rung.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MlforgeError } from '../errors.js';
import { VERSION } from '../version.js';
import type { ResolvedSpec } from '../spec/index.js';
import { Store, STORE_FILE, trialKey, canonicalJson, putArtifact, type RunRow, type TrialRow as StoreTrial } from '../store/index.js';
import { defaultPlan, promote } from '../search/halving.js';
import { paretoFront, type Objective } from '../search/pareto.js';
import { familiesFor, type Family } from '../search/space.js';
import { resolveModel, type ResolvedModel } from '../ir/shapes.js';
import { countModel } from '../ir/counts.js';
import type { ModelInput } from '../ir/schema.js';
import type { Int8Model } from '../ir/int8.js';
import type { Network } from '../engine/network.js';
import { saveTrained, loadTrained } from '../train/saved-model.js';
import { saveInt8Model, loadInt8Model, evaluateInt8, type AnomalyConfig } from '../quant/index.js';
import { exportC } from '../codegen/index.js';
import { writeTflite } from '../formats/tflite/index.js';
import { renderReport } from '../report/index.js';
import { BuiltinPlanner, type Candidate, type Cost, type Planner, type Screened, type TrialOutcome } from './planner.js';
import { dataFor, prepareData, type ForgeData } from './data.js';
import { describeFeatures } from './features.js';
import type { FeatureConfig } from '../dsp/index.js';
import type { DspBoardCost } from '../targets/dsp-cost.js';
import type { Threshold } from '../train/metrics.js';
import { int8Threshold, scoreOnTest } from './scoring.js';
import { constraintText, fitsAll, infeasible } from './constraints.js';
import { dspChoice, type Genome } from '../search/space.js';
import { compress, trainRung, type Compressed } from './trial.js';
import { finalEpochs } from './final-epochs.js';
import { ForgeSummary, type TrialRow, type LayerRow } from './summary.js';

/** What the forge needs from the cost model (src/targets): estimates before training, exact figures after. */
export interface ForgeCostModel {
  /** Before training: the float graph. */
  estimate(model: ResolvedModel): Cost;
  /** After quantization: arena from the memory plan, flash from the weights and kernel code, per-layer figures. */
  exact(model: Int8Model): Cost & { arenaBytes: number; layers: LayerRow[] };
  /** A feature block's SRAM (scratch and buffers), flash (tables and code) and latency on the board. */
  dsp(c: FeatureConfig): DspBoardCost;
  /** Stated assumptions (stack allowance, CPI…), copied into the summary's notes. */
  readonly assumptions: readonly string[];
}

export type ForgeEvent =
  | { kind: 'start'; runId: string; resumed: boolean; train: number; val: number; test: number; budgetSeconds: number | null; maxTrials: number | null }
  | { kind: 'phase'; phase: 'search' | 'finalists' | 'export'; elapsedSeconds: number }
  | { kind: 'trial'; seq: number; key: string; family: string; rung: number; epochs: number; valAccuracy: number; seconds: number; cached: boolean; elapsedSeconds: number; best: number | null }
  | { kind: 'finalist'; seq: number; key: string; floatValAccuracy: number; int8ValAccuracy: number; method: string; fits: boolean }
  | { kind: 'done'; summary: ForgeSummary };

export interface ForgeOptions {
  readonly spec: ResolvedSpec;
  readonly cost: ForgeCostModel;
  /** Resume this run of the spec's store instead of starting a new one. */
  readonly resume?: string;
  readonly onEvent?: (e: ForgeEvent) => void;
  /** Test hook: a different planner (an LLM planner plugs in here). */
  readonly planner?: (ctx: ConstructorParameters<typeof BuiltinPlanner>[0], seed: number) => Planner;
  /** Search shape (defaults suit MNIST-sized data in minutes). */
  readonly population?: number;
  readonly rungEpochs?: readonly number[];
  readonly finalEpochs?: number;
  readonly finalists?: number;
}

const FINAL_RUNG = 9;
/**
 * Training throughput assumed when screening for the time budget, in MACs per
 * second (forward + backward ≈ 3× the inference MACs per sample). A constant,
 * not a measurement, so a resumed run screens exactly as the first did; set
 * below the 18–46 G measured in whole trainings on two cores (MNIST cnn-small
 * through `mlforge train`, a 1.1 M-MAC KWS ds-cnn on augmented MFCCs) and the
 * 31–84 G of `mlforge bench train`, to leave room for a busier machine. At
 * 5 G it rejected every KWS ds-cnn above ~360 k MACs once augmentation
 * made an epoch 93 k clips.
 */
const TRAIN_MACS_PER_SEC = 12e9;
const MIN_STEPS_PER_EPOCH = 250;

interface Scored {
  readonly trial: StoreTrial;
  readonly candidate: Candidate;
  /** Validation score at each finished rung. */
  readonly rungs: Map<number, { valAccuracy: number; epochs: number; seconds: number; curve: [number, number, number | null][] }>;
}

const bestRung = (s: Scored): { rung: number; valAccuracy: number } | undefined => {
  let best: { rung: number; valAccuracy: number } | undefined;
  for (const [rung, r] of s.rungs) if (rung !== FINAL_RUNG && (!best || rung > best.rung)) best = { rung, valAccuracy: r.valAccuracy };
  return best;
};

export async function forge(o: ForgeOptions): Promise<ForgeSummary> {
  const spec = o.spec;
  const emit = o.onEvent ?? (() => {});
  const data = prepareData(spec);
  mkdirSync(spec.out, { recursive: true });
  const store = Store.open(join(spec.out, STORE_FILE));
  try {
    return await runForge(o, spec, data, store, emit);
  } catch (e) {
    // Leave the run resumable: status 'interrupted' on an error, with the reason as an event.
    const runs = store.listRuns().filter((r) => r.pid === process.pid && r.status === 'running');
    for (const r of runs) {
      store.appendEvent(r.id, 'error', { message: (e as Error).message });
      store.setRunStatus(r.id, 'interrupted');
    }
    throw e;
  } finally {
    store.close();
  }
}

function openRun(store: Store, spec: ResolvedSpec, data: ForgeData, resume: string | undefined): { run: RunRow; resumed: boolean } {
  const specJson = JSON.parse(JSON.stringify({ ...spec, overrides: undefined, file: undefined })) as Record<string, unknown>;
  const specHash = createHash('sha256').update(canonicalJson(specJson)).digest('hex');
  if (resume) {
    const { run } = store.resumeRun(resume);
    if (run.datasetHash !== data.hash) {
      throw new MlforgeError('BAD_INPUT', `run ${resume} was forged on different data (dataset hash ${run.datasetHash.slice(0, 12)} ≠ ${data.hash.slice(0, 12)})`, 'resume with the same dataset, or start a new run');
    }
    if (run.specHash !== specHash) {
      throw new MlforgeError('BAD_INPUT', `run ${resume} was forged from a different spec (hash ${run.specHash.slice(0, 12)} ≠ ${specHash.slice(0, 12)})`, 'resume with the same spec and flags, or start a new run');
    }
    return { run, resumed: true };
  }
  const run = store.createRun({
    spec: specJson as never, specHash, datasetHash: data.hash, seed: spec.seed,
    versions: { mlforge: VERSION, node: process.version }, outDir: spec.out,
  });
  return { run, resumed: false };
}

async function runForge(o: ForgeOptions, spec: ResolvedSpec, data: ForgeData, store: Store, emit: (e: ForgeEvent) => void): Promise<ForgeSummary> {
  const { run, resumed } = openRun(store, spec, data, o.resume);
  const runDir = run.id;
  const budget = spec.budget.timeSeconds;
  const maxTrials = spec.budget.maxTrials;
  emit({ kind: 'start', runId: run.id, resumed, train: data.train.y.length, val: data.val.y.length, test: data.test.y.length, budgetSeconds: budget, maxTrials });

  // Time spent: stored seconds of replayed rungs + this process's new work.
  let replayed = 0;
  const freshStart = performance.now();
  const elapsed = () => replayed + (performance.now() - freshStart) / 1000;
  const overSearch = () => budget !== null && elapsed() > budget * 0.6;

  const objectives: Objective[] = [{ key: 'accuracy', goal: 'max' }, ...spec.objectives.minimize.map((m) => ({
    key: m === 'sram' ? 'sramBytes' : m === 'flash' ? 'flashBytes' : 'latencyMs', goal: 'min' as const,
  }))];
  const families = familiesFor(data.problem).filter((f) => (spec.search.families as readonly string[]).includes(f)) as Family[];
  if (families.length === 0) {
    throw new MlforgeError('BAD_INPUT', `search.families: none of [${spec.search.families.join(', ')}] can take inputs of shape [${data.problem.inputShape.join(', ')}]`, `use one of ${familiesFor(data.problem).join(', ')}`);
  }
  const c = spec.constraints;
  const smallest = { sramBytes: Infinity, flashBytes: Infinity, latencyMs: Infinity };
  let screenedCount = 0;
  // Small datasets get proportionally more epochs, so every rung takes at least ~500 optimizer steps (MNIST's 2 epochs).
  const epochScale = Math.min(8, Math.max(1, Math.round(MIN_STEPS_PER_EPOCH / Math.ceil(data.train.y.length / 32))));
  const plannedFinalEpochs = (o.finalEpochs ?? 20) * epochScale;
  // A finalist's long training may take at most ~15 % of a time budget (at most 60 s per epoch otherwise).
  const maxEpochSeconds = budget === null ? 60 : Math.min(60, (budget * 0.15) / plannedFinalEpochs);
  const epochSeconds = (macs: number) => (data.train.y.length * macs * 3) / TRAIN_MACS_PER_SEC;
  // Each feature block's cost once, not per screened candidate.
  const dspCosts = data.features?.map((c) => o.cost.dsp(c));
  const withDsp = (cost: Cost, g: Genome): Cost => {
    const d = dspCosts?.[dspChoice(g)];
    if (!d) return cost;
    return { ...cost, sramBytes: cost.sramBytes + d.sramBytes, flashBytes: cost.flashBytes + d.flashBytes, latencyMs: cost.latencyMs + d.latencyMs };
  };
  const screen = (model: ModelInput, genome: Genome): Screened => {
    const cost = withDsp(o.cost.estimate(resolveModel(model, model.name)), genome);
    screenedCount++;
    smallest.sramBytes = Math.min(smallest.sramBytes, cost.sramBytes);
    smallest.flashBytes = Math.min(smallest.flashBytes, cost.flashBytes);
    smallest.latencyMs = Math.min(smallest.latencyMs, cost.latencyMs);
    const reasons: string[] = [];
    if (cost.sramBytes > c.sramBytes) reasons.push(`SRAM ${cost.sramBytes} B > ${c.sramBytes} B`);
    if (cost.flashBytes > c.flashBytes) reasons.push(`flash ${cost.flashBytes} B > ${c.flashBytes} B`);
    if (c.latencyMs !== null && cost.latencyMs > c.latencyMs) reasons.push(`latency ${cost.latencyMs.toFixed(1)} ms > ${c.latencyMs} ms`);
    if (epochSeconds(cost.macs) > maxEpochSeconds) reasons.push(`training ≈ ${epochSeconds(cost.macs).toFixed(0)} s/epoch > ${maxEpochSeconds.toFixed(0)} s the budget allows`);
    return { cost, feasible: reasons.length === 0, reasons };
  };
  const ctx = { problem: data.problem, families, screen, objectives };
  const planner: Planner = o.planner ? o.planner(ctx, spec.seed) : new BuiltinPlanner(ctx, spec.seed);
  const plan = o.rungEpochs ? { epochs: [...o.rungEpochs], eta: 3 } : (({ epochs, eta }) => ({ epochs: epochs.map((e) => e * epochScale), eta }))(defaultPlan(8, 3));
  const population = o.population ?? 9;

  const stored = new Map(store.listTrials(run.id).map((t) => [t.key, t]));
  const scored: Scored[] = [];
  const history: TrialOutcome[] = [];
  let seq = 0;
  let firstFeasibleSeconds: number | null = null;
  let best: number | null = null;
  emit({ kind: 'phase', phase: 'search', elapsedSeconds: elapsed() });

  const runRung = (s: Scored, rung: number, epochs: number): void => {
    const existing = store.getResult(s.trial.id, rung);
    if (existing) {
      const curve = curveOf(store, s.trial.id, rung);
      s.rungs.set(rung, { valAccuracy: existing.floatAccuracy ?? -(existing.loss ?? Infinity), epochs: existing.epochs, seconds: existing.seconds ?? 0, curve });
      replayed += existing.seconds ?? 0;
      emitTrial(s, rung, true);
      return;
    }
    store.startTrial(s.trial.id, rung);
    const r = trainRung(dataFor(data, s.candidate.genome), {
      model: s.candidate.model, lr: s.candidate.lr, epochs, seed: spec.seed * 1000 + s.trial.seq,
      onEpoch: (e) => {
        store.recordMetrics(s.trial.id, rung, e.epoch, { trainLoss: e.trainLoss, ...(e.valAccuracy !== undefined ? { valAccuracy: e.valAccuracy } : {}) });
        store.heartbeat(s.trial.id);
      },
    });
    const cost = s.candidate.screened.cost;
    store.finishTrial(s.trial.id, rung, {
      epochs: r.epochs, floatAccuracy: data.problem.task === 'classification' ? r.valAccuracy : null, loss: r.valLoss,
      sramBytes: Math.round(cost.sramBytes), flashBytes: Math.round(cost.flashBytes), latencyMs: cost.latencyMs,
      macs: cost.macs, params: cost.params, feasible: true, seconds: r.seconds,
    });
    s.rungs.set(rung, { valAccuracy: r.valAccuracy, epochs: r.epochs, seconds: r.seconds, curve: r.curve.map((e) => [e.epoch, e.trainLoss, e.valAccuracy ?? null]) });
    emitTrial(s, rung, false);
  };
  const emitTrial = (s: Scored, rung: number, cached: boolean) => {
    const r = s.rungs.get(rung)!;
    if (firstFeasibleSeconds === null) firstFeasibleSeconds = elapsed();
    best = best === null ? r.valAccuracy : Math.max(best, r.valAccuracy);
    emit({ kind: 'trial', seq: s.trial.seq, key: s.trial.key, family: s.candidate.genome.family, rung, epochs: r.epochs, valAccuracy: r.valAccuracy, seconds: r.seconds, cached, elapsedSeconds: elapsed(), best });
  };

  // ---- search: generations of successive halving ----------------------------
  for (let gen = 0; !overSearch() && (maxTrials === null || seq < maxTrials); gen++) {
    const room = maxTrials === null ? population : Math.min(population, maxTrials - seq);
    const cands = await planner.propose(history, room);
    if (cands.length === 0) {
      if (gen === 0) throw infeasible(spec, smallest, screenedCount);
      break;
    }
    const members: Scored[] = [];
    for (const cand of cands) {
      const key = trialKey(seq, { key: cand.key });
      const prior = stored.get(key);
      const { trial } = prior ? { trial: prior } : store.upsertTrial({
        runId: run.id, key, seq, family: cand.genome.family, model: cand.model as never,
        hparams: { lr: cand.lr, genome: cand.genome as never, note: cand.note ?? null, estimate: cand.screened.cost as never },
      });
      seq++;
      members.push({ trial, candidate: cand, rungs: new Map() });
    }
    let alive = members;
    for (let rung = 0; rung < plan.epochs.length && alive.length > 0; rung++) {
      const done: Scored[] = [];
      for (const m of alive) {
        if (overSearch() && !store.getResult(m.trial.id, rung)) break;
        runRung(m, rung, plan.epochs[rung]!);
        done.push(m);
      }
      if (done.length < alive.length || rung === plan.epochs.length - 1) break;
      alive = promote(done.map((m) => m.rungs.get(rung)!.valAccuracy), plan.eta).map((i) => done[i]!);
    }
    for (const m of members) {
      const b = bestRung(m);
      if (!b) continue;
      scored.push(m);
      history.push({ candidate: m.candidate, valAccuracy: b.valAccuracy, rung: b.rung });
    }
    await planner.reflect?.(history);
  }
  if (scored.length === 0) throw infeasible(spec, smallest, screenedCount);

  // ---- finalists ---------------------------------------------------------------
  emit({ kind: 'phase', phase: 'finalists', elapsedSeconds: elapsed() });
  const ranked = [...scored].sort((a, b) => bestRung(b)!.rung - bestRung(a)!.rung || bestRung(b)!.valAccuracy - bestRung(a)!.valAccuracy);
  const finalists = ranked.slice(0, o.finalists ?? 2);
  interface Final { s: Scored; floatAcc: number; comp: Compressed; exact: ReturnType<ForgeCostModel['exact']>; fits: boolean; dir: string; network: Network; threshold?: Threshold }
  const finals: Final[] = [];
  const exactCost = (model: Int8Model, g: Genome): ReturnType<ForgeCostModel['exact']> => {
    const e = o.cost.exact(model);
    return { ...e, ...withDsp(e, g) };
  };
  for (const [i, s] of finalists.entries()) {
    const td = dataFor(data, s.candidate.genome);
    const dir = `${runDir}/trials/${s.trial.key}`;
    const absDir = join(spec.out, dir);
    const existing = store.getResult(s.trial.id, FINAL_RUNG);
    let network: Final['network'];
    let floatAcc: number;
    let comp: Compressed;
    let exact: ReturnType<ForgeCostModel['exact']> | undefined;
    if (existing) {
      replayed += existing.seconds ?? 0;
      network = loadTrained(join(absDir, 'float')).network;
      const saved = loadInt8Model(join(absDir, 'int8'));
      const int8 = saved.model;
      floatAcc = existing.floatAccuracy ?? 0;
      const x = existing.extra as { ptq?: number; qat?: number; method?: 'ptq' | 'qat' };
      comp = { model: int8, ptqValAccuracy: x.ptq ?? 0, qatValAccuracy: x.qat, int8ValAccuracy: existing.int8Accuracy ?? 0, method: x.method ?? 'ptq' };
      s.rungs.set(FINAL_RUNG, { valAccuracy: floatAcc, epochs: existing.epochs, seconds: existing.seconds ?? 0, curve: curveOf(store, s.trial.id, FINAL_RUNG) });
    } else {
      const last = s.rungs.get(bestRung(s)!.rung)!;
      const epochs = finalEpochs({
        planned: plannedFinalEpochs, rungEpochs: last.epochs, rungSeconds: last.seconds,
        secondsLeft: budget === null ? null : budget * 0.97 - elapsed(), finalistsLeft: finalists.length - i,
      });
      store.startTrial(s.trial.id, FINAL_RUNG);
      const r = trainRung(td, {
        model: s.candidate.model, lr: s.candidate.lr, epochs, seed: spec.seed * 1000 + s.trial.seq,
        onEpoch: (e) => store.recordMetrics(s.trial.id, FINAL_RUNG, e.epoch, { trainLoss: e.trainLoss, ...(e.valAccuracy !== undefined ? { valAccuracy: e.valAccuracy } : {}) }),
      });
      const tq = performance.now();
      comp = compress(td, r.network, r.valAccuracy, spec.seed, data.labels);
      const anomaly: AnomalyConfig | undefined = data.problem.task === 'autoencoder' ? { threshold: int8Threshold(comp.model, td.val).threshold, score: 'mse' } : undefined;
      network = r.network;
      floatAcc = r.valAccuracy;
      saveTrained(join(absDir, 'float'), r.network, {
        task: data.problem.task, normalization: td.norm, labels: [...data.labels], dataset: data.name,
        metrics: { valAccuracy: r.valAccuracy }, training: { lr: s.candidate.lr, epochs, seed: spec.seed * 1000 + s.trial.seq },
      });
      saveInt8Model(join(absDir, 'int8'), {
        model: comp.model, normalization: { mean: [...td.norm.mean], std: [...td.norm.std] }, quantization: { method: comp.method },
        ...(td.featureView ? { features: td.featureView.block } : {}), ...(anomaly ? { anomaly } : {}),
      });
      exact = exactCost(comp.model, s.candidate.genome);
      const seconds = r.seconds + (performance.now() - tq) / 1000;
      store.finishTrial(s.trial.id, FINAL_RUNG, {
        epochs: r.epochs, floatAccuracy: data.problem.task === 'classification' ? r.valAccuracy : null,
        int8Accuracy: data.problem.task === 'classification' ? comp.int8ValAccuracy : null, loss: r.valLoss,
        sramBytes: exact.sramBytes, flashBytes: exact.flashBytes, latencyMs: exact.latencyMs, macs: exact.macs, params: exact.params,
        feasible: fitsAll(exact, spec), seconds,
        extra: { ptq: comp.ptqValAccuracy, ...(comp.qatValAccuracy !== undefined ? { qat: comp.qatValAccuracy } : {}), method: comp.method },
      });
      s.rungs.set(FINAL_RUNG, { valAccuracy: r.valAccuracy, epochs: r.epochs, seconds, curve: r.curve.map((e) => [e.epoch, e.trainLoss, e.valAccuracy ?? null]) });
    }
    exact ??= exactCost(comp.model, s.candidate.genome);
    const fits = fitsAll(exact, spec);
    // Recomputed on resume too (deterministic: the stored threshold is the same number).
    const threshold = data.problem.task === 'autoencoder' ? int8Threshold(comp.model, td.val) : undefined;
    finals.push({ s, floatAcc, comp, exact, fits, dir, network, threshold });
    emit({ kind: 'finalist', seq: s.trial.seq, key: s.trial.key, floatValAccuracy: floatAcc, int8ValAccuracy: comp.int8ValAccuracy, method: comp.method, fits });
  }

  // ---- choose, score on test, export ---------------------------------------------
  emit({ kind: 'phase', phase: 'export', elapsedSeconds: elapsed() });
  const fitting = finals.filter((f) => f.fits);
  const chosen = [...(fitting.length ? fitting : finals)].sort((a, b) => b.comp.int8ValAccuracy - a.comp.int8ValAccuracy)[0]!;
  const chosenData = dataFor(data, chosen.s.candidate.genome);
  const test = scoreOnTest(chosen.network, chosen.comp.model, chosenData.test, data.problem.task, data.labels.length, chosen.threshold);
  const anomaly: AnomalyConfig | undefined = chosen.threshold ? { threshold: chosen.threshold.threshold, score: 'mse' } : undefined;
  const fv = chosenData.featureView;
  const dspCost = dspCosts?.[dspChoice(chosen.s.candidate.genome)];

  const exportDir = `${runDir}/export`;
  const cDir = join(spec.out, exportDir, 'c');
  exportC(chosen.comp.model, cDir, {
    plan: { strategy: 'optimized' },
    ...(fv ? { features: fv.block, normalization: chosenData.norm } : {}), ...(anomaly ? { anomaly } : {}),
  });
  const tflitePath = `${exportDir}/model.tflite`;
  putArtifact(store, { runId: run.id, trialId: chosen.s.trial.id, kind: 'tflite', path: tflitePath, data: writeTflite(chosen.comp.model) });
  putArtifact(store, { runId: run.id, trialId: chosen.s.trial.id, kind: 'int8', path: `${exportDir}/int8`, from: join(spec.out, chosen.dir, 'int8') });
  putArtifact(store, { runId: run.id, trialId: chosen.s.trial.id, kind: 'model', path: `${exportDir}/float`, from: join(spec.out, chosen.dir, 'float') });

  const counts = countModel(resolveModel(chosen.s.candidate.model, chosen.s.candidate.model.name));
  const searchPoints = scored.map((s) => ({ accuracy: bestRung(s)!.valAccuracy, ...s.candidate.screened.cost }));
  const front = paretoFront(searchPoints, objectives).map((i) => scored[i]!.trial.id);

  const finalOf = new Map(finals.map((f) => [f.s.trial.id, f]));
  const trials: TrialRow[] = scored.map((s) => {
    const b = bestRung(s)!;
    const f = finalOf.get(s.trial.id);
    const last = s.rungs.get(f ? FINAL_RUNG : b.rung)!;
    const curve = [...s.rungs.entries()].sort((x, y) => x[0] - y[0]).at(-1)![1].curve;
    return {
      id: s.trial.id, key: s.trial.key, family: s.candidate.genome.family,
      status: f ? 'finalist' : b.rung === plan.epochs.length - 1 ? 'trained' : 'pruned',
      lr: s.candidate.lr, epochs: last.epochs, rung: f ? FINAL_RUNG : b.rung,
      valAccuracy: f ? f.floatAcc : b.valAccuracy, int8ValAccuracy: f ? f.comp.int8ValAccuracy : null,
      estimate: s.candidate.screened.cost, feasible: s.candidate.screened.feasible, reasons: [...s.candidate.screened.reasons],
      note: s.candidate.note, curve,
    };
  });
  const summary = ForgeSummary.parse({
    runId: run.id, mlforgeVersion: VERSION,
    dataset: { name: data.name, train: data.train.y.length, val: data.val.y.length, test: data.test.y.length, classes: data.labels.length, labels: [...data.labels] },
    board: { name: spec.board.name, core: spec.board.core, clockHz: spec.board.defaultClockHz, sramBytes: spec.board.sramBytes, flashBytes: spec.board.flashBytes },
    constraints: { sramBytes: c.sramBytes, flashBytes: c.flashBytes, latencyMs: c.latencyMs, explanation: constraintText(spec) },
    budget: { seconds: budget, trials: maxTrials, usedSeconds: elapsed() },
    trials, front,
    chosen: {
      trialId: chosen.s.trial.id, family: chosen.s.candidate.genome.family,
      accuracyFloat: test.accuracyFloat, accuracyInt8: test.accuracyInt8,
      sramBytes: chosen.exact.sramBytes, arenaBytes: chosen.exact.arenaBytes, flashBytes: chosen.exact.flashBytes,
      latencyMs: chosen.exact.latencyMs, fits: chosen.fits, layers: chosen.exact.layers, confusion: test.confusion, model: chosen.s.candidate.model,
      ...(fv && dspCost ? { features: { description: describeFeatures(fv.config), config: { ...fv.block }, ...dspCost, macs: fv.cost.macs } } : {}),
      ...(test.anomaly ? { anomaly: test.anomaly } : {}),
    },
    exportDir: join(spec.out, exportDir), tflitePath: join(spec.out, tflitePath),
    firstFeasibleSeconds,
    notes: [
      `${screenedCount} candidates screened by the cost model before training; ${scored.length} trained, of which ${scored.filter((x) => !x.candidate.screened.feasible).length} flagged infeasible.`,
      `Chosen by int8 validation accuracy among finalists within every constraint; test split (${data.test.y.length} samples) scored once, at the end.`,
      `Quantization: ${chosen.comp.method.toUpperCase()} (PTQ val ${pct(chosen.comp.ptqValAccuracy)}${chosen.comp.qatValAccuracy !== undefined ? `, QAT val ${pct(chosen.comp.qatValAccuracy)}` : ''}).`,
      `Params ${counts.paramsFolded} (folded), ${counts.macs} MACs per inference.`,
      ...(fv && fv.config.kind !== 'motion' && spec.augment.copies > 0
        ? [`Training audio augmented: ${spec.augment.copies} copies of each clip at ×${(1 / (1 + spec.augment.warp)).toFixed(2)}–${(1 + spec.augment.warp).toFixed(2)} speed, shifted up to ±${spec.augment.shiftMs} ms (spec augment:).`]
        : []),
      ...o.cost.assumptions,
    ],
  });
  putArtifact(store, { runId: run.id, kind: 'summary', path: `${runDir}/summary.json`, data: JSON.stringify(summary, null, 2) + '\n' });
  putArtifact(store, { runId: run.id, kind: 'report', path: `${runDir}/report.html`, data: renderReport(summary) });
  store.setRunStatus(run.id, 'done');
  emit({ kind: 'done', summary });
  return summary;
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

function curveOf(store: Store, trialId: number, rung: number): [number, number, number | null][] {
  const byEpoch = new Map<number, { loss: number; acc: number | null }>();
  for (const m of store.listMetrics(trialId)) {
    if (m.rung !== rung) continue;
    const e = byEpoch.get(m.epoch) ?? { loss: NaN, acc: null };
    if (m.name === 'trainLoss') e.loss = m.value;
    if (m.name === 'valAccuracy') e.acc = m.value;
    byEpoch.set(m.epoch, e);
  }
  return [...byEpoch.entries()].sort((a, b) => a[0] - b[0]).map(([ep, v]) => [ep, v.loss, v.acc]);
}
