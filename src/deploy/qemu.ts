/**
 * Runs a Cortex-M ELF image on qemu-system-arm (MPS2 board of the target)
 * with semihosting for I/O and exit, and `-icount shift=0` so virtual time is
 * tied to executed instructions (1 instruction = 1 ns), which makes SysTick
 * readings instruction counts.
 */
import { MPS2_BOARDS, type CortexMTarget } from './cortex-m/index.js';
import { commandLine, requireTool, runTool, type ToolResult } from './toolchain.js';

export interface QemuOptions {
  /** Working directory: semihosting file names are relative to it. */
  cwd: string;
  timeoutMs?: number;
  /** -icount shift (default 0: one instruction per virtual nanosecond). */
  icountShift?: number;
}

export function qemuArgs(target: CortexMTarget, image: string, icountShift = 0): string[] {
  const board = MPS2_BOARDS[target];
  return [
    '-machine', board.machine, '-cpu', board.cpu, '-nographic', '-monitor', 'none', '-serial', 'none',
    '-semihosting-config', 'enable=on,target=native', '-icount', `shift=${icountShift}`, '-kernel', image,
  ];
}

export interface QemuRun extends ToolResult {
  command: string;
}

/** Runs the image; resolves with its exit code (the program's, through semihosting). */
export async function runQemu(target: CortexMTarget, image: string, o: QemuOptions): Promise<QemuRun> {
  requireTool('qemu-system-arm');
  const args = qemuArgs(target, image, o.icountShift ?? 0);
  const r = await runTool('qemu-system-arm', args, { cwd: o.cwd, timeoutMs: o.timeoutMs ?? 600_000, allowFailure: true });
  return { ...r, command: commandLine('qemu-system-arm', args) };
}
