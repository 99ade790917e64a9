/**
 * The planner interface: `propose(history) → candidates`, `reflect(results)`.
 * Every proposal is data (a genome and hyper-parameters that build a model graph),
 * never code. The built-in planner is below; an LLM planner implements the same
 * interface.
 */
import type { Genome, Problem, Family } from '../search/space.js';
import { buildModel, familiesFor, genomeKey, mutate, randomGenome } from '../search/space.js';
import { paretoRanks, type Objective } from '../search/pareto.js';
import type { ModelInput } from '../ir/schema.js';
import { Rng } from '../util/random.js';

export interface Cost {
  readonly sramBytes: number;
  readonly flashBytes: number;
  readonly latencyMs: number;
  readonly macs: number;
  readonly params: number;
}

export interface Screened {
  readonly cost: Cost;
  readonly feasible: boolean;
  /** Why not, e.g. "SRAM 312 KB > 224 KB". */
  readonly reasons: readonly string[];
}

export interface Candidate {
  readonly key: string;
  readonly genome: Genome;
  readonly model: ModelInput;
  readonly lr: number;
  readonly screened: Screened;
  /** Who proposed it and why (shown in the report). */
  readonly note?: string;
}

export interface TrialOutcome {
  readonly candidate: Candidate;
  /** Validation accuracy (float) at the last rung reached, or int8 when quantized. */
  readonly valAccuracy: number;
  readonly int8ValAccuracy?: number;
  readonly rung: number;
}

export interface PlannerContext {
  readonly problem: Problem;
  readonly families: readonly Family[];
  /** Cost-model check before training; the genome tells which feature block (DSP choice) feeds the model. */
  readonly screen: (model: ModelInput, genome: Genome) => Screened;
  readonly objectives: readonly Objective[];
}

export interface Planner {
  readonly name: string;
  propose(history: readonly TrialOutcome[], n: number): Promise<Candidate[]> | Candidate[];
  reflect?(results: readonly TrialOutcome[]): Promise<string | void> | string | void;
}

const LRS = [1e-3, 2e-3, 4e-3];

/**
 * Built-in hardware-aware evolutionary planner. Generation 0 samples many
 * genomes per family, drops every candidate the cost model rejects, and keeps
 * the feasible ones with the most compute (TinyNAS' heuristic: within the same
 * memory budget, more MACs tends to mean more accuracy), spread over families.
 * Later generations mutate parents chosen by Pareto rank (accuracy vs costs).
 * Seeded; duplicates (by genome + learning rate) are skipped.
 */
export class BuiltinPlanner implements Planner {
  readonly name = 'builtin';
  private readonly rng: Rng;
  private readonly seen = new Set<string>();

  constructor(private readonly ctx: PlannerContext, seed: number) {
    this.rng = new Rng(seed);
  }

  private candidate(genome: Genome, lr: number, note: string): Candidate | undefined {
    const key = `${genomeKey(genome)}|lr=${lr}`;
    if (this.seen.has(key)) return undefined;
    const model = buildModel(genome, this.ctx.problem, `${genome.family}`);
    const screened = this.ctx.screen(model, genome);
    this.seen.add(key);
    if (!screened.feasible) return undefined;
    return { key, genome, model, lr, screened, note };
  }

  propose(history: readonly TrialOutcome[], n: number): Candidate[] {
    for (const h of history) this.seen.add(h.candidate.key);
    return history.length === 0 ? this.initial(n) : this.evolve(history, n);
  }

  private initial(n: number): Candidate[] {
    const perFamily = new Map<Family, Candidate[]>();
    for (const f of this.ctx.families) {
      const list: Candidate[] = [];
      for (let i = 0; i < 60 && list.length < 12; i++) {
        const c = this.candidate(randomGenome(this.rng, f, this.ctx.problem), this.rng.pick(LRS), `initial sample (${f})`);
        if (c) list.push(c);
      }
      // Most compute first among the feasible.
      list.sort((a, b) => b.screened.cost.macs - a.screened.cost.macs);
      perFamily.set(f, list);
    }
    const out: Candidate[] = [];
    // Round-robin over families so the first generation covers the space.
    for (let round = 0; out.length < n && round < 12; round++) {
      for (const f of this.ctx.families) {
        const c = perFamily.get(f)![round];
        if (c && out.length < n) out.push(c);
      }
    }
    return out;
  }

  private evolve(history: readonly TrialOutcome[], n: number): Candidate[] {
    const points = history.map((h) => ({
      accuracy: h.int8ValAccuracy ?? h.valAccuracy,
      sramBytes: h.candidate.screened.cost.sramBytes,
      flashBytes: h.candidate.screened.cost.flashBytes,
      latencyMs: h.candidate.screened.cost.latencyMs,
    }));
    const ranks = paretoRanks(points, this.ctx.objectives);
    const out: Candidate[] = [];
    for (let tries = 0; out.length < n && tries < n * 40; tries++) {
      // Binary tournament on (rank, accuracy).
      const [a, b] = [this.rng.int(history.length), this.rng.int(history.length)];
      const better = ranks[a]! < ranks[b]! || (ranks[a] === ranks[b] && points[a]!.accuracy >= points[b]!.accuracy) ? a : b;
      const parent = history[better]!.candidate;
      const explore = this.rng.next() < 0.15;
      const genome = explore
        ? randomGenome(this.rng, this.rng.pick(this.ctx.families), this.ctx.problem)
        : mutate(this.rng, parent.genome, this.ctx.problem);
      const lr = this.rng.next() < 0.3 ? this.rng.pick(LRS) : parent.lr;
      const c = this.candidate(genome, lr, explore ? 'exploration sample' : `mutation of ${parent.genome.family} (rank ${ranks[better]})`);
      if (c) out.push(c);
    }
    return out;
  }
}

export { familiesFor };
