/**
 * Offsets for buffers with known lifetimes (an interval-packing problem).
 *
 * - `placeNaive`: every buffer gets its own bytes (the sum; what a planner-less
 *   runtime would need).
 * - `placeGreedy`: TFLite Micro's GreedyMemoryPlanner — take buffers in a
 *   priority order (largest first in TFLM), put each at the lowest aligned
 *   offset where it overlaps no already placed buffer whose lifetime
 *   intersects its own.
 * - `placeBest`: greedy with a few priority orders (size, then longest
 *   lifetime, then live-bytes-at-birth), keeping the smallest arena.
 */
import type { Buffer } from './lifetimes.js';

export interface Placement {
  /** Offset per buffer id. */
  readonly offsets: number[];
  /** End of the highest buffer: the arena size. */
  readonly arenaBytes: number;
  readonly heuristic: string;
}

const overlapsInTime = (a: Buffer, b: Buffer): boolean => a.first <= b.last && b.first <= a.last;

export function placeNaive(buffers: readonly Buffer[]): Placement {
  const offsets: number[] = [];
  let end = 0;
  for (const b of buffers) {
    offsets[b.id] = end;
    end += b.bytes;
  }
  return { offsets, arenaBytes: end, heuristic: 'naive' };
}

/** Places buffers in the given priority order at the lowest offset that fits. */
export function placeInOrder(buffers: readonly Buffer[], priority: readonly Buffer[], heuristic: string): Placement {
  const offsets = new Array<number>(buffers.length).fill(-1);
  const placed: Buffer[] = [];
  let arenaBytes = 0;
  for (const b of priority) {
    // Buffers in the way, by offset; walk the gaps between them.
    const busy = placed.filter((p) => overlapsInTime(p, b)).sort((x, y) => offsets[x.id]! - offsets[y.id]!);
    let offset = 0;
    for (const p of busy) {
      const start = offsets[p.id]!;
      if (start - offset >= b.bytes) break;
      offset = Math.max(offset, start + p.bytes);
    }
    offsets[b.id] = offset;
    placed.push(b);
    arenaBytes = Math.max(arenaBytes, offset + b.bytes);
  }
  return { offsets, arenaBytes, heuristic };
}

/** TFLite Micro's baseline: largest first (ties: earlier first, then id). */
export function placeGreedy(buffers: readonly Buffer[]): Placement {
  const byId = (a: Buffer, b: Buffer): number => a.id - b.id;
  const bySize = [...buffers].sort((a, b) => b.bytes - a.bytes || a.first - b.first || byId(a, b));
  return placeInOrder(buffers, bySize, 'greedy-size');
}

/** Greedy with several priority orders; the smallest arena wins (ties: the earlier heuristic). */
export function placeBest(buffers: readonly Buffer[], liveBytes: readonly number[]): Placement {
  const byId = (a: Buffer, b: Buffer): number => a.id - b.id;
  const len = (b: Buffer): number => b.last - b.first;
  const pressure = (b: Buffer): number => {
    let m = 0;
    for (let s = b.first; s <= b.last && s < liveBytes.length; s++) m = Math.max(m, liveBytes[s]!);
    return m;
  };
  const candidates: Placement[] = [
    placeGreedy(buffers),
    placeInOrder(buffers, [...buffers].sort((a, b) => len(b) - len(a) || b.bytes - a.bytes || byId(a, b)), 'greedy-lifetime'),
    placeInOrder(buffers, [...buffers].sort((a, b) => pressure(b) - pressure(a) || b.bytes - a.bytes || byId(a, b)), 'greedy-pressure'),
    placeInOrder(buffers, [...buffers].sort((a, b) => b.bytes * (len(b) + 1) - a.bytes * (len(a) + 1) || byId(a, b)), 'greedy-area'),
  ];
  return candidates.reduce((best, c) => (c.arenaBytes < best.arenaBytes ? c : best));
}
