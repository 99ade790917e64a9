/**
 * An independent checker of memory plans (the conformance suite every
 * planner strategy runs against): recomputes lifetimes from the graph and the
 * plan's order — trusting nothing the planner reports — and checks that
 * buffers never overlap in memory while both are live, except for a reshape
 * alias or a legal in-place pair, that the peak is exact, and that per-step
 * live bytes match.
 */
import { expect } from 'vitest';
import type { MemoryPlan, PlanGraph } from '../../src/codegen/index.js';

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

interface Item {
  key: string;
  tensor: number; // -1 for scratch
  offset: number;
  bytes: number; // aligned
  start: number;
  end: number;
}

export function checkPlan(g: PlanGraph, plan: MemoryPlan, o: { preserveInputs?: boolean } = {}): void {
  const n = g.ops.length;
  const order = plan.order;
  // A topological order of every op.
  expect([...order].sort((a, b) => a - b)).toEqual(g.ops.map((_, i) => i));
  const step = new Map(order.map((op, s) => [op, s]));
  const produced = new Map<number, number>();
  g.ops.forEach((op, i) => op.outputs.forEach((t) => produced.set(t, step.get(i)!)));
  g.ops.forEach((op, i) => op.inputs.forEach((t) => {
    if (produced.has(t)) expect(produced.get(t)!, `op ${i} runs before the producer of tensor ${t}`).toBeLessThan(step.get(i)!);
  }));

  // Every arena tensor that is used is placed, aligned, inside the arena.
  const used = new Set<number>([...g.inputs, ...g.outputs]);
  g.ops.forEach((op) => [...op.inputs, ...op.outputs].forEach((t) => used.add(t)));
  const placement = new Map(plan.tensors.map((p) => [p.tensor, p]));
  const items: Item[] = [];
  for (const t of used) {
    if (!g.tensors[t]!.arena) {
      expect(placement.has(t), `constant tensor ${t} placed in the arena`).toBe(false);
      continue;
    }
    const p = placement.get(t);
    expect(p, `tensor ${t} not placed`).toBeDefined();
    expect(p!.offset % plan.alignment).toBe(0);
    expect(p!.bytes).toBe(g.tensors[t]!.bytes);
    const start = g.inputs.includes(t) ? 0 : produced.get(t)!;
    let end = start;
    g.ops.forEach((op, i) => { if (op.inputs.includes(t)) end = Math.max(end, step.get(i)!); });
    if (g.outputs.includes(t)) end = Math.max(end, n - 1);
    items.push({ key: `t${t}`, tensor: t, offset: p!.offset, bytes: alignUp(g.tensors[t]!.bytes, plan.alignment), start, end });
  }
  g.ops.forEach((op, i) => {
    if (op.scratchBytes === 0) return;
    const s = plan.scratch.find((x) => x.op === i);
    expect(s, `scratch of op ${i} not placed`).toBeDefined();
    expect(s!.offset % plan.alignment).toBe(0);
    expect(s!.bytes).toBeGreaterThanOrEqual(op.scratchBytes);
    items.push({ key: `s${i}`, tensor: -1, offset: s!.offset, bytes: alignUp(op.scratchBytes, plan.alignment), start: step.get(i)!, end: step.get(i)! });
  });

  // Alias classes (reshape), built from the graph.
  const cls = new Map<number, number>();
  const find = (t: number): number => {
    while (cls.has(t) && cls.get(t) !== t) t = cls.get(t)!;
    return t;
  };
  g.ops.forEach((op) => { if (op.alias) cls.set(find(op.alias[1]), find(op.alias[0])); });
  const members = (t: number): number[] => items.filter((x) => x.tensor >= 0 && find(x.tensor) === find(t)).map((x) => x.tensor);
  const itemOf = new Map(items.filter((x) => x.tensor >= 0).map((x) => [x.tensor, x]));
  const classEnd = (t: number): number => Math.max(...members(t).map((m) => itemOf.get(m)!.end));

  /** y's class was written over x's class by a legal in-place op. */
  const legalInPlace = (x: number, y: number): boolean => g.ops.some((op, i) => {
    const s = step.get(i)!;
    return op.inPlace.some(([a, b]) => {
      if (find(a) !== find(x) || find(b) !== find(y)) return false;
      const edge = members(a).some((m) => g.outputs.includes(m) || (o.preserveInputs === true && g.inputs.includes(m)));
      return !edge && g.tensors[a]!.bytes === g.tensors[b]!.bytes && classEnd(a) === s && itemOf.get(b)!.start === s;
    });
  });

  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i]!;
      const b = items[j]!;
      const memory = a.offset < b.offset + b.bytes && b.offset < a.offset + a.bytes;
      const time = a.start <= b.end && b.start <= a.end;
      if (!memory || !time) continue;
      const ok = a.tensor >= 0 && b.tensor >= 0 &&
        (find(a.tensor) === find(b.tensor) || legalInPlace(a.tensor, b.tensor) || legalInPlace(b.tensor, a.tensor));
      expect(ok, `${a.key} [${a.offset}, +${a.bytes}) steps ${a.start}-${a.end} overlaps ${b.key} [${b.offset}, +${b.bytes}) steps ${b.start}-${b.end}`).toBe(true);
    }
  }

  // Recorded in-place pairs are legal ones.
  for (const p of plan.inPlace) expect(legalInPlace(p.input, p.output), `in-place ${p.input} -> ${p.output} at op ${p.op}`).toBe(true);

  // Exact peak: the arena ends at the highest byte any buffer uses.
  const top = Math.max(0, ...items.map((x) => x.offset + x.bytes));
  expect(plan.arenaBytes).toBe(top);
  // Live bytes per step: distinct memory ranges live at that step.
  for (let s = 0; s < n; s++) {
    const live = new Map<string, number>();
    for (const x of items) if (x.start <= s && s <= x.end) live.set(`${x.offset}:${x.bytes}`, x.bytes);
    const sum = [...live.values()].reduce((a, b) => a + b, 0);
    expect(plan.steps[s]!.op).toBe(order[s]);
    expect(plan.steps[s]!.liveBytes, `live bytes at step ${s}`).toBe(sum);
    expect(plan.arenaBytes).toBeGreaterThanOrEqual(sum);
  }
  expect(plan.lowerBound).toBe(Math.max(0, ...plan.steps.map((x) => x.liveBytes), ...items.map((x) => x.bytes)));
}
