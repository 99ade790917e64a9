/**
 * Memory planner conformance: every strategy, on random DAGs and on the two
 * MLPerf Tiny models, passes the independent checker (no overlap of live
 * buffers except legal in-place / alias pairs, exact peak, exact per-step
 * live bytes); plus targeted cases for in-place legality, reordering and
 * scratch buffers.
 */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { planGraph, planGraphOf, planMemory, type PlanGraph, type PlanOp, type PlanStrategy } from '../../src/codegen/index.js';
import { readTflite } from '../../src/formats/tflite/index.js';
import { rng } from '../helpers/random.js';
import { checkPlan } from './plan-check.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shared = path.resolve(repoRoot, '../shared/models/mlperf-tiny');
const loadShared = (name: string) => readTflite(new Uint8Array(readFileSync(path.join(shared, name))), name);

const STRATEGIES: PlanStrategy[] = ['naive', 'greedy', 'optimized'];

/** A random DAG: each op reads 1–3 earlier tensors (sometimes a constant), writes 1 (rarely 2). */
function randomGraph(seed: number, ops: number): PlanGraph {
  const r = rng(seed);
  const tensors: { bytes: number; arena: boolean }[] = [];
  const add = (bytes: number, arena = true): number => tensors.push({ bytes, arena }) - 1;
  const inputs = [add(r.int(1, 400))];
  if (r.next() < 0.3) inputs.push(add(r.int(1, 400)));
  const available = [...inputs];
  const list: PlanOp[] = [];
  for (let i = 0; i < ops; i++) {
    const k = r.int(1, Math.min(3, available.length));
    const reads = new Set<number>();
    // Prefer recent tensors, so graphs look like networks (chains with branches).
    while (reads.size < k) reads.add(available[Math.max(0, available.length - 1 - Math.floor(r.next() ** 2 * available.length))]!);
    const ins = [...reads];
    if (r.next() < 0.2) ins.push(add(r.int(1, 100), false));
    const kind = r.next();
    if (kind < 0.15 && ins.length >= 1 && tensors[ins[0]!]!.arena) {
      // reshape: same bytes, a view of its input.
      const y = add(tensors[ins[0]!]!.bytes);
      list.push({ kind: 'reshape', inputs: [ins[0]!], outputs: [y], scratchBytes: 0, inPlace: [], alias: [ins[0]!, y] });
      available.push(y);
      continue;
    }
    if (kind < 0.45) {
      // element-wise: output as large as its first input, in place allowed on arena inputs of that size.
      const y = add(tensors[ins[0]!]!.bytes);
      const pairs = ins.filter((t) => tensors[t]!.arena && tensors[t]!.bytes === tensors[y]!.bytes).map((t) => [t, y] as const);
      list.push({ kind: 'add', inputs: ins, outputs: [y], scratchBytes: 0, inPlace: pairs });
      available.push(y);
      continue;
    }
    const outs = [add(r.int(1, 600))];
    if (r.next() < 0.1) outs.push(add(r.int(1, 200)));
    list.push({ kind: 'conv2d', inputs: ins, outputs: outs, scratchBytes: r.next() < 0.4 ? r.int(1, 300) : 0, inPlace: [] });
    available.push(...outs);
  }
  // Outputs: the last tensor plus, sometimes, an intermediate one.
  const outputs = [available[available.length - 1]!];
  if (r.next() < 0.3) outputs.push(available[r.int(inputs.length, available.length - 1)]!);
  return { tensors, ops: list, inputs, outputs: [...new Set(outputs)] };
}

describe('planner conformance on random DAGs', () => {
  let inPlaceUsed = 0;
  let reordered = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const ops = 2 + (seed % 12);
    it(`seed ${seed}, ${ops} ops`, () => {
      const g = randomGraph(seed, ops);
      const alignment = [1, 4, 16][seed % 3]!;
      const plans = STRATEGIES.map((strategy) => planGraph(g, { strategy, alignment, maxOrders: 300 }));
      plans.forEach((p) => checkPlan(g, p));
      const [naive, greedy, optimized] = plans as [typeof plans[0], typeof plans[0], typeof plans[0]];
      expect(naive.arenaBytes).toBe(naive.buffers.reduce((s, b) => s + b.bytes, 0));
      expect(greedy.arenaBytes).toBeLessThanOrEqual(naive.arenaBytes);
      expect(optimized.arenaBytes).toBeLessThanOrEqual(greedy.arenaBytes);
      expect(greedy.inPlace).toEqual([]);
      inPlaceUsed += optimized.inPlace.length;
      if (optimized.order.some((op, i) => op !== i)) reordered++;
      const preserved = planGraph(g, { alignment, preserveInputs: true, maxOrders: 50 });
      checkPlan(g, preserved, { preserveInputs: true });
    });
  }
  it('exercised in-place and reordering', () => {
    expect(inPlaceUsed).toBeGreaterThan(5);
    expect(reordered).toBeGreaterThan(2);
  });
});

describe('planner on the MLPerf Tiny models', () => {
  // Peaks at 16-byte alignment; both reach the live-bytes lower bound.
  const expected = { 'kws_ref_model.tflite': 16256, 'pretrainedResnet_quant.tflite': 49728 } as const;
  for (const [name, bytes] of Object.entries(expected)) {
    it(name, () => {
      const model = loadShared(name);
      const g = planGraphOf(model);
      const plans = STRATEGIES.map((strategy) => planMemory(model, { strategy }));
      plans.forEach((p) => checkPlan(g, p));
      const [naive, greedy, optimized] = plans as [typeof plans[0], typeof plans[0], typeof plans[0]];
      expect(optimized.arenaBytes).toBe(bytes);
      expect(optimized.arenaBytes).toBe(optimized.lowerBound);
      expect(greedy.arenaBytes).toBeGreaterThanOrEqual(optimized.arenaBytes);
      expect(naive.arenaBytes).toBeGreaterThan(2 * optimized.arenaBytes);
      // The reshape before the classifier is a view.
      expect(optimized.aliases.length).toBe(1);
      // conv and fully-connected scratch are in the arena, one per op.
      expect(optimized.scratch.length).toBe(model.ops.filter((o) => o.options.kind === 'conv2d' || o.options.kind === 'fully_connected').length);
    });
  }
});

const tensor = (bytes: number, arena = true) => ({ bytes, arena });
const ew = (x: number, y: number, extra: number[] = []): PlanOp => ({ kind: 'add', inputs: [x, ...extra], outputs: [y], scratchBytes: 0, inPlace: [[x, y]] });
const conv = (ins: number[], y: number, scratchBytes = 0): PlanOp => ({ kind: 'conv2d', inputs: ins, outputs: [y], scratchBytes, inPlace: [] });

describe('in place', () => {
  it('writes an element-wise output over an input that dies there', () => {
    // in -> conv -> A -> ew -> B -> conv -> C
    const g: PlanGraph = { tensors: [tensor(64), tensor(256), tensor(256), tensor(64)], ops: [conv([0], 1), ew(1, 2), conv([2], 3)], inputs: [0], outputs: [3] };
    const p = planGraph(g, { alignment: 16 });
    checkPlan(g, p);
    expect(p.inPlace).toEqual([{ op: 1, input: 1, output: 2 }]);
    expect(p.arenaBytes).toBe(256 + 64);
  });

  it('does not overwrite an input read later', () => {
    // A is read by the element-wise op and again by the last op.
    const g: PlanGraph = { tensors: [tensor(64), tensor(256), tensor(256), tensor(64)], ops: [conv([0], 1), ew(1, 2), conv([1, 2], 3)], inputs: [0], outputs: [3] };
    const p = planGraph(g);
    checkPlan(g, p);
    expect(p.inPlace).toEqual([]);
  });

  it('never overwrites a model output, or a model input when inputs are preserved', () => {
    const g: PlanGraph = { tensors: [tensor(64), tensor(64), tensor(64)], ops: [ew(0, 1), ew(1, 2)], inputs: [0], outputs: [1, 2] };
    const p = planGraph(g);
    checkPlan(g, p);
    // The input dies at op 0 and may be overwritten; output 1 must survive op 1.
    expect(p.inPlace).toEqual([{ op: 0, input: 0, output: 1 }]);
    const kept = planGraph(g, { preserveInputs: true });
    checkPlan(g, kept, { preserveInputs: true });
    expect(kept.inPlace).toEqual([]);
  });

  it('needs equal sizes', () => {
    const g: PlanGraph = { tensors: [tensor(64), tensor(128), tensor(64), tensor(8)], ops: [conv([0], 1), { ...ew(1, 2), inPlace: [[1, 2]] }, conv([2], 3)], inputs: [0], outputs: [3] };
    const p = planGraph(g);
    checkPlan(g, p);
    expect(p.inPlace).toEqual([]);
  });

  it('treats a reshape as a view of its input', () => {
    const g: PlanGraph = {
      tensors: [tensor(64), tensor(96), tensor(96), tensor(16)],
      ops: [conv([0], 1), { kind: 'reshape', inputs: [1], outputs: [2], scratchBytes: 0, inPlace: [], alias: [1, 2] }, conv([2], 3)],
      inputs: [0], outputs: [3],
    };
    const p = planGraph(g, { alignment: 4 });
    checkPlan(g, p);
    expect(p.tensors.find((t) => t.tensor === 1)!.offset).toBe(p.tensors.find((t) => t.tensor === 2)!.offset);
    expect(p.arenaBytes).toBe(96 + 64);
  });
});

describe('order and scratch', () => {
  it('reorders branches to lower the peak', () => {
    // Two branches from the input; running them one after the other keeps one big tensor live at a time.
    const g: PlanGraph = {
      tensors: [tensor(16), tensor(160), tensor(160), tensor(16), tensor(16), tensor(16)],
      ops: [conv([0], 1), conv([0], 2), conv([1], 3), conv([2], 4), conv([3, 4], 5)],
      inputs: [0], outputs: [5],
    };
    const greedy = planGraph(g, { strategy: 'greedy' });
    const best = planGraph(g);
    checkPlan(g, greedy);
    checkPlan(g, best);
    expect(greedy.arenaBytes).toBe(16 + 160 + 160);
    expect(best.arenaBytes).toBe(16 + 160 + 16);
    expect(best.order).toEqual([0, 2, 1, 3, 4]);
    expect(best.ordersTried).toBeGreaterThan(1);
  });

  it('keeps scratch live only during its op', () => {
    const g: PlanGraph = { tensors: [tensor(32), tensor(32), tensor(32)], ops: [conv([0], 1, 100), conv([1], 2, 100)], inputs: [0], outputs: [2] };
    const p = planGraph(g, { alignment: 4 });
    checkPlan(g, p);
    expect(p.scratch.map((s) => s.bytes)).toEqual([100, 100]);
    expect(p.steps.map((s) => s.liveBytes)).toEqual([32 + 32 + 100, 32 + 32 + 100]);
    expect(p.arenaBytes).toBe(164);
  });

  it('rejects a bad alignment and a cyclic graph', () => {
    const g: PlanGraph = { tensors: [tensor(4), tensor(4), tensor(4)], ops: [conv([0, 2], 1), conv([1], 2)], inputs: [0], outputs: [2] };
    expect(() => planGraph(g)).toThrow(/acyclic/);
    expect(() => planGraph({ ...g, ops: [conv([0], 1)] }, { alignment: 12 })).toThrow(/power-of-two/);
  });
});
