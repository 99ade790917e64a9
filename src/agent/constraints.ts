/**
 * The forge's constraints in words: whether a cost fits the spec, how the
 * default limits were derived, and the error when nothing fits (by how much,
 * before any training).
 */
import { MlforgeError } from '../errors.js';
import type { ResolvedSpec } from '../spec/index.js';
import type { Cost } from './planner.js';

export function fitsAll(cost: Cost, spec: ResolvedSpec): boolean {
  const c = spec.constraints;
  return cost.sramBytes <= c.sramBytes && cost.flashBytes <= c.flashBytes && (c.latencyMs === null || cost.latencyMs <= c.latencyMs);
}

export function constraintText(spec: ResolvedSpec): string[] {
  const c = spec.constraints;
  const b = spec.board;
  const lines: string[] = [];
  lines.push(c.origin.sramBytes === 'board'
    ? `SRAM: board ${b.sramBytes} B minus ${c.reserve.sramBytes} B reserve (${c.reserve.policy}) = ${c.sramBytes} B`
    : `SRAM: ${c.sramBytes} B from the spec`);
  lines.push(c.origin.flashBytes === 'board'
    ? `flash: board ${b.flashBytes} B minus ${c.reserve.flashBytes} B reserve = ${c.flashBytes} B`
    : `flash: ${c.flashBytes} B from the spec`);
  lines.push(c.latencyMs === null ? 'latency: no limit' : `latency: ${c.latencyMs} ms from the spec, at ${b.defaultClockHz} Hz`);
  return lines;
}

export function infeasible(spec: ResolvedSpec, smallest: { sramBytes: number; flashBytes: number; latencyMs: number }, n: number): MlforgeError {
  const c = spec.constraints;
  const over: string[] = [];
  if (smallest.sramBytes > c.sramBytes) over.push(`SRAM needs ≥ ${smallest.sramBytes} B, limit ${c.sramBytes} B (over by ${smallest.sramBytes - c.sramBytes} B)`);
  if (smallest.flashBytes > c.flashBytes) over.push(`flash needs ≥ ${smallest.flashBytes} B, limit ${c.flashBytes} B (over by ${smallest.flashBytes - c.flashBytes} B)`);
  if (c.latencyMs !== null && smallest.latencyMs > c.latencyMs) over.push(`latency needs ≥ ${smallest.latencyMs.toFixed(2)} ms, limit ${c.latencyMs} ms (over by ${(smallest.latencyMs - c.latencyMs).toFixed(2)} ms)`);
  return new MlforgeError('INFEASIBLE',
    `nothing fits ${spec.board.name}: of ${n} candidates the cost model screened, none meets the constraints — ${over.join('; ') || 'each fails a different limit'}`,
    'relax the constraints in the spec (constraints.sram / flash / latency) or pick a larger board');
}
