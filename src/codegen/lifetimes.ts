/**
 * Buffers and their lifetimes for one execution order.
 *
 * A buffer is a piece of arena storage: one activation tensor, or several that
 * share it (a reshape output aliases its input; an in-place operator writes its
 * output over an input that dies there), or one operator's scratch. Lifetimes
 * are in steps (positions in the order): a buffer is live from the step that
 * produces its first tensor (0 for model inputs) to the last step that reads any
 * of its tensors (the last step for model outputs). Two buffers may share bytes
 * only if their lifetimes are disjoint.
 *
 * In place is decided here because it depends on the order: op X may write
 * output y over input x only if X is the last reader of x's whole buffer, the
 * buffer holds no model output (and no model input when inputs are preserved),
 * the sizes match, and no other output of X took the buffer already.
 */
import type { PlanGraph } from './graph.js';

export interface Buffer {
  readonly id: number;
  /** Tensors stored here (empty for scratch). */
  readonly tensors: number[];
  /** Operator whose scratch this is, or -1. */
  readonly scratchOf: number;
  /** Size rounded up to the alignment. */
  readonly bytes: number;
  first: number;
  last: number;
}

export interface Lifetimes {
  readonly buffers: Buffer[];
  /** Buffer id of each arena tensor (-1 for constants and unused tensors). */
  readonly bufferOf: Int32Array;
  readonly inPlace: { op: number; input: number; output: number }[];
  readonly aliases: { op: number; input: number; output: number }[];
  /** Per step: bytes of all buffers live at that step (the per-layer memory). */
  readonly liveBytes: number[];
  /** max(liveBytes): no placement of these buffers can use fewer bytes. */
  readonly lowerBound: number;
}

export interface LifetimeOptions {
  alignment: number;
  inPlace: boolean;
  preserveInputs: boolean;
}

export const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

export function lifetimes(g: PlanGraph, order: readonly number[], o: LifetimeOptions): Lifetimes {
  const n = order.length;
  const pos = new Int32Array(g.ops.length).fill(-1);
  order.forEach((op, s) => { pos[op] = s; });
  // Last step reading each tensor; model outputs are read "at the end".
  const lastRead = new Int32Array(g.tensors.length).fill(-1);
  for (const op of order) for (const t of g.ops[op]!.inputs) lastRead[t] = Math.max(lastRead[t]!, pos[op]!);
  const isOutput = new Set(g.outputs);
  const isInput = new Set(g.inputs);
  for (const t of g.outputs) lastRead[t] = Math.max(lastRead[t]!, n - 1);

  const buffers: Buffer[] = [];
  const bufferOf = new Int32Array(g.tensors.length).fill(-1);
  const raw: number[] = []; // unaligned bytes per buffer
  const newBuffer = (tensor: number, first: number): void => {
    const id = buffers.length;
    buffers.push({ id, tensors: [tensor], scratchOf: -1, bytes: 0, first, last: Math.max(first, lastRead[tensor]!) });
    raw.push(g.tensors[tensor]!.bytes);
    bufferOf[tensor] = id;
  };
  const join = (b: Buffer, tensor: number): void => {
    b.tensors.push(tensor);
    b.last = Math.max(b.last, lastRead[tensor]!);
    raw[b.id] = Math.max(raw[b.id]!, g.tensors[tensor]!.bytes);
    bufferOf[tensor] = b.id;
  };
  for (const t of g.inputs) if (g.tensors[t]!.arena && bufferOf[t]! < 0) newBuffer(t, 0);

  const inPlace: Lifetimes['inPlace'] = [];
  const aliases: Lifetimes['aliases'] = [];
  const holdsEdge = (b: Buffer): boolean =>
    b.tensors.some((t) => isOutput.has(t) || (o.preserveInputs && isInput.has(t)));
  for (let s = 0; s < n; s++) {
    const opIndex = order[s]!;
    const op = g.ops[opIndex]!;
    const taken = new Set<number>();
    for (const y of op.outputs) {
      if (!g.tensors[y]!.arena || bufferOf[y]! >= 0) continue;
      if (op.alias && op.alias[1] === y && bufferOf[op.alias[0]]! >= 0) {
        join(buffers[bufferOf[op.alias[0]]!]!, y);
        aliases.push({ op: opIndex, input: op.alias[0], output: y });
        continue;
      }
      const pair = o.inPlace ? op.inPlace.find(([x, yy]) => {
        if (yy !== y || bufferOf[x]! < 0) return false;
        const b = buffers[bufferOf[x]!]!;
        return b.scratchOf < 0 && b.last === s && !taken.has(b.id) && !holdsEdge(b) &&
          g.tensors[x]!.bytes === g.tensors[y]!.bytes;
      }) : undefined;
      if (pair) {
        const b = buffers[bufferOf[pair[0]]!]!;
        taken.add(b.id);
        join(b, y);
        inPlace.push({ op: opIndex, input: pair[0], output: y });
      } else {
        newBuffer(y, s);
      }
    }
    if (op.scratchBytes > 0) {
      const id = buffers.length;
      buffers.push({ id, tensors: [], scratchOf: opIndex, bytes: 0, first: s, last: s });
      raw.push(op.scratchBytes);
    }
  }
  const aligned = buffers.map((b, i) => ({ ...b, bytes: alignUp(raw[i]!, o.alignment) }));
  const liveBytes = new Array<number>(n).fill(0);
  for (const b of aligned) for (let s = b.first; s <= b.last && s < n; s++) liveBytes[s]! += b.bytes;
  const lowerBound = Math.max(0, ...liveBytes, ...aligned.map((b) => b.bytes));
  return { buffers: aligned, bufferOf, inPlace, aliases, liveBytes, lowerBound };
}
