/**
 * The memory planner: one static arena for every activation tensor and every
 * kernel scratch buffer, laid out by lifetime. The same plan sizes the search's
 * SRAM estimate and lays out the generated C arena.
 *
 * Strategies:
 *  - `naive`: no reuse (the sum of all buffers), for reference;
 *  - `greedy`: TFLite Micro's baseline — the model's order, no in-place,
 *    largest buffer first at the lowest offset that fits;
 *  - `optimized` (default): in-place element-wise operators and reshape as an
 *    alias (lifetimes.ts), execution order chosen among topological orders of
 *    small graphs (order.ts), and the best of several greedy priorities
 *    (placement.ts). Never worse than `greedy`: that layout is a candidate too.
 *
 * Sizes are for a 32-bit target (float32/int32 = 4 bytes); every buffer is
 * rounded up to `alignment` and starts at a multiple of it.
 *
 * Deliberately not here: depthwise convolution in place (the kernel writes
 * whole output pixels before later input pixels are read) and concatenation
 * by writing producers into slices of the output.
 */
import { MlforgeError } from '../errors.js';
import type { Int8Model } from '../ir/int8.js';
import { planGraphOf, type PlanGraph } from './graph.js';
import { lifetimes, type Lifetimes } from './lifetimes.js';
import { defaultOrder, forEachOrder, isTopological } from './order.js';
import { placeBest, placeGreedy, placeNaive, type Placement } from './placement.js';

export type PlanStrategy = 'naive' | 'greedy' | 'optimized';

export interface PlanOptions {
  strategy?: PlanStrategy;
  /** Byte alignment of every buffer (a power of two; default 16, like TFLite Micro). */
  alignment?: number;
  /** Largest number of execution orders scored (default 2000). */
  maxOrders?: number;
  /** Keep model inputs intact through invoke (default false: their bytes are reused once read). */
  preserveInputs?: boolean;
}

export interface TensorPlacement {
  readonly tensor: number;
  readonly offset: number;
  /** Bytes of the tensor itself (unaligned). */
  readonly bytes: number;
  readonly buffer: number;
}

export interface PlannedBuffer {
  readonly id: number;
  readonly offset: number;
  /** Aligned size. */
  readonly bytes: number;
  /** First and last step (index into `order`) at which the buffer is live. */
  readonly first: number;
  readonly last: number;
  readonly tensors: readonly number[];
  /** Operator whose scratch this is, or -1. */
  readonly scratchOf: number;
}

export interface PlanStep {
  readonly op: number;
  /** Bytes of all buffers live while this op runs (inputs, outputs, scratch, everything kept for later). */
  readonly liveBytes: number;
}

export interface MemoryPlan {
  readonly strategy: PlanStrategy;
  readonly alignment: number;
  /** Op indices in execution order. */
  readonly order: readonly number[];
  /** The arena size: the end of the highest buffer. */
  readonly arenaBytes: number;
  /** max over steps of live bytes: no layout of these buffers can be smaller. */
  readonly lowerBound: number;
  /** Sum of all buffers without reuse. */
  readonly naiveBytes: number;
  readonly tensors: readonly TensorPlacement[];
  readonly scratch: readonly { op: number; offset: number; bytes: number }[];
  readonly buffers: readonly PlannedBuffer[];
  readonly inPlace: readonly { op: number; input: number; output: number }[];
  readonly aliases: readonly { op: number; input: number; output: number }[];
  /** Per-layer memory, in execution order. */
  readonly steps: readonly PlanStep[];
  readonly heuristic: string;
  readonly ordersTried: number;
}

interface Candidate {
  order: number[];
  life: Lifetimes;
  place: Placement;
}

function resolve(o: PlanOptions): Required<PlanOptions> {
  const alignment = o.alignment ?? 16;
  if (!Number.isInteger(alignment) || alignment < 1 || (alignment & (alignment - 1)) !== 0) {
    throw new MlforgeError('BAD_INPUT', `expected a power-of-two alignment for the memory planner, got ${alignment}`);
  }
  return { strategy: o.strategy ?? 'optimized', alignment, maxOrders: o.maxOrders ?? 2000, preserveInputs: o.preserveInputs ?? false };
}

function score(g: PlanGraph, order: number[], o: Required<PlanOptions>, inPlace: boolean,
  place: (l: Lifetimes) => Placement): Candidate {
  const life = lifetimes(g, order, { alignment: o.alignment, inPlace, preserveInputs: o.preserveInputs });
  return { order, life, place: place(life) };
}

/** Plans a graph (the planner's own abstraction; see `planMemory` for int8 models). */
export function planGraph(g: PlanGraph, options: PlanOptions = {}): MemoryPlan {
  const o = resolve(options);
  const own = g.ops.map((_, i) => i);
  const first = isTopological(g, own) ? own : defaultOrder(g);
  let best: Candidate;
  let tried = 1;
  if (o.strategy === 'naive') best = score(g, first, o, false, (l) => placeNaive(l.buffers));
  else {
    best = score(g, first, o, false, (l) => placeGreedy(l.buffers));
    if (o.strategy === 'optimized') {
      // Smallest arena first; on a tie, the least total live bytes over all steps (less memory traffic, more in place).
      const pressure = (c: Candidate): number => c.life.liveBytes.reduce((a, b) => a + b, 0);
      const better = (c: Candidate): void => {
        const d = c.place.arenaBytes - best.place.arenaBytes;
        if (d < 0 || (d === 0 && pressure(c) < pressure(best))) best = c;
      };
      better(score(g, first, o, true, (l) => placeBest(l.buffers, l.liveBytes)));
      tried = 1 + forEachOrder(g, o.maxOrders, (order) => {
        // A layout can never beat its live-bytes lower bound: skip the placement when that cannot win.
        const life = lifetimes(g, [...order], { alignment: o.alignment, inPlace: true, preserveInputs: o.preserveInputs });
        if (life.lowerBound > best.place.arenaBytes) return;
        better({ order: [...order], life, place: placeBest(life.buffers, life.liveBytes) });
      });
    }
  }
  return toPlan(g, best, o, tried);
}

function toPlan(g: PlanGraph, c: Candidate, o: Required<PlanOptions>, ordersTried: number): MemoryPlan {
  const { life, place } = c;
  const buffers: PlannedBuffer[] = life.buffers.map((b) => ({
    id: b.id, offset: place.offsets[b.id]!, bytes: b.bytes, first: b.first, last: b.last,
    tensors: [...b.tensors], scratchOf: b.scratchOf,
  }));
  const tensors: TensorPlacement[] = [];
  life.bufferOf.forEach((id, t) => {
    if (id >= 0) tensors.push({ tensor: t, offset: place.offsets[id]!, bytes: g.tensors[t]!.bytes, buffer: id });
  });
  return {
    strategy: o.strategy,
    alignment: o.alignment,
    order: c.order,
    arenaBytes: place.arenaBytes,
    lowerBound: life.lowerBound,
    naiveBytes: life.buffers.reduce((s, b) => s + b.bytes, 0),
    tensors,
    scratch: buffers.filter((b) => b.scratchOf >= 0).map((b) => ({ op: b.scratchOf, offset: b.offset, bytes: b.bytes })),
    buffers,
    inPlace: life.inPlace,
    aliases: life.aliases,
    steps: c.order.map((op, s) => ({ op, liveBytes: life.liveBytes[s]! })),
    heuristic: place.heuristic,
    ordersTried,
  };
}

/**
 * Plans the activation arena of an int8 model.
 *
 * @example
 * const plan = planMemory(model);
 * plan.arenaBytes;                       // static arena size, bytes
 * plan.tensors.find((t) => t.tensor === model.inputs[0])!.offset;
 */
export function planMemory(model: Int8Model, options: PlanOptions = {}): MemoryPlan {
  return planGraph(planGraphOf(model), options);
}

/** Where a tensor lives in the arena; throws for constants and unplanned tensors. */
export function placementOf(plan: MemoryPlan, tensor: number): TensorPlacement {
  const p = plan.tensors.find((t) => t.tensor === tensor);
  if (!p) throw new MlforgeError('INTERNAL', `expected tensor ${tensor} in the memory plan, it is not planned`);
  return p;
}
