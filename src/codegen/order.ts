/**
 * Execution orders of a DAG: validation of a given order and a bounded
 * enumeration of topological orders for the planner to score.
 *
 * Enumeration is depth-first; at each point the ready operators are tried
 * in ascending index, so the first order produced is the model's own order
 * when that order is topological (the common case: TFLite files are stored in
 * execution order). For chains there is one order; branched graphs (residual
 * blocks, inception-like splits) have a handful; the cap bounds wide graphs.
 */
import { MlforgeError } from '../errors.js';
import type { PlanGraph } from './graph.js';

/** For each op, the ops that must run before it (producers of its inputs). */
export function dependencies(g: PlanGraph): number[][] {
  const producer = new Map<number, number>();
  g.ops.forEach((op, i) => {
    for (const t of op.outputs) {
      if (producer.has(t)) throw new MlforgeError('BAD_INPUT', `expected one producer for tensor ${t}, got ops ${producer.get(t)} and ${i}`);
      producer.set(t, i);
    }
  });
  return g.ops.map((op, i) => {
    const deps = new Set<number>();
    for (const t of op.inputs) {
      const p = producer.get(t);
      if (p === undefined) continue;
      if (p === i) throw new MlforgeError('BAD_INPUT', `op ${i} reads its own output tensor ${t}`);
      deps.add(p);
    }
    return [...deps];
  });
}

export function isTopological(g: PlanGraph, order: readonly number[]): boolean {
  if (order.length !== g.ops.length || new Set(order).size !== order.length) return false;
  const deps = dependencies(g);
  const done = new Set<number>();
  for (const op of order) {
    if (op < 0 || op >= g.ops.length || !deps[op]!.every((d) => done.has(d))) return false;
    done.add(op);
  }
  return true;
}

/** Kahn's algorithm, smallest ready index first; throws on a cycle. */
export function defaultOrder(g: PlanGraph): number[] {
  const deps = dependencies(g);
  const order: number[] = [];
  const done = new Set<number>();
  while (order.length < g.ops.length) {
    const next = deps.findIndex((d, i) => !done.has(i) && d.every((x) => done.has(x)));
    if (next < 0) throw new MlforgeError('BAD_INPUT', 'expected an acyclic operator graph, found a cycle');
    order.push(next);
    done.add(next);
  }
  return order;
}

/**
 * Calls `visit` for up to `max` topological orders (fewer when the graph has
 * fewer). Returns how many were visited.
 */
export function forEachOrder(g: PlanGraph, max: number, visit: (order: readonly number[]) => void): number {
  const deps = dependencies(g);
  const n = g.ops.length;
  const missing = deps.map((d) => d.length);
  const users: number[][] = g.ops.map(() => []);
  deps.forEach((d, i) => d.forEach((x) => users[x]!.push(i)));
  const order: number[] = [];
  const scheduled = new Uint8Array(n);
  let count = 0;
  const walk = (): void => {
    if (count >= max) return;
    if (order.length === n) {
      count++;
      visit(order);
      return;
    }
    for (let i = 0; i < n && count < max; i++) {
      if (scheduled[i] || missing[i]! > 0) continue;
      scheduled[i] = 1;
      order.push(i);
      for (const u of users[i]!) missing[u]!--;
      walk();
      for (const u of users[i]!) missing[u]!++;
      order.pop();
      scheduled[i] = 0;
    }
  };
  walk();
  return count;
}
