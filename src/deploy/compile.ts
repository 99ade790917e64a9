/**
 * Builds the verify harness around an exported model: for the host with `cc`,
 * or for an MPS2 Cortex-M board with arm-none-eabi-gcc (our startup code,
 * linker script and semihosting layer; newlib only for memcpy/memset and
 * libm's roundf). Every source compiles to its own object, named after it, so
 * the linker map attributes sizes to the model, the kernels and the harness.
 * All builds are warning-free under -std=c99 -Wall -Wextra -Werror.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportDefines, includeDirs, librarySources, type CModel } from '../codegen/index.js';
import { emitLinkerScript, emitSemihostC, emitStartupC, MPS2_BOARDS, type Target } from './cortex-m/index.js';
import { emitFrontEndHarnessC, emitHarnessC, emitHostPlatformC, emitPlatformH } from './harness.js';
import { commandLine, requireTool, runTool } from './toolchain.js';

export const WARNINGS = ['-std=c99', '-Wall', '-Wextra', '-Werror'];

export interface CompileOptions {
  /** Optimisation flag (default -O2). */
  opt?: string;
  /** Per-command timeout (default 10 minutes). */
  timeoutMs?: number;
  /** Host C compiler (default $CC or cc). */
  cc?: string;
}

export interface BuildResult {
  target: Target;
  /** The executable (host) or ELF image (Cortex-M). */
  image: string;
  /** GNU ld map (Cortex-M only). */
  mapFile?: string;
  /** Object files of the model (model.c and kernels), for size attribution. */
  modelObjects: string[];
  /** The compile and link command lines, in order. */
  commands: string[];
}

/** Compiler and flags for a target. */
export function targetFlags(target: Target, o: CompileOptions = {}): { cc: string; cflags: string[]; ldflags: string[] } {
  const opt = o.opt ?? '-O2';
  if (target === 'host') return { cc: o.cc ?? process.env.CC ?? 'cc', cflags: [...WARNINGS, opt], ldflags: [] };
  const board = MPS2_BOARDS[target];
  return {
    cc: 'arm-none-eabi-gcc',
    cflags: [...WARNINGS, opt, `-mcpu=${board.cpu}`, '-mthumb', '-mfloat-abi=soft', '-ffunction-sections', '-fdata-sections'],
    ldflags: ['-nostartfiles', '--specs=nano.specs', '--specs=nosys.specs', '-Wl,--gc-sections'],
  };
}

/** Runs async jobs with at most `limit` at a time. */
async function pool<T>(items: readonly T[], limit: number, job: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await job(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Writes the harness into `buildDir` and compiles it with the export in
 * `exportDir` for `target`; `count` inputs per run.
 */
export async function buildHarness(m: CModel, exportDir: string, buildDir: string, target: Target, count: number,
  o: CompileOptions = {}): Promise<BuildResult> {
  const { cc, cflags, ldflags } = targetFlags(target, o);
  requireTool(cc);
  mkdirSync(path.join(buildDir, 'obj'), { recursive: true });
  const support: [string, string][] = [['mlf_platform.h', emitPlatformH()], ['harness.c', m.frontEnd ? emitFrontEndHarnessC(m, count) : emitHarnessC(m, count)]];
  if (target === 'host') support.push(['host.c', emitHostPlatformC()]);
  else {
    support.push(['startup.c', emitStartupC()], ['semihost.c', emitSemihostC()], ['board.ld', emitLinkerScript(MPS2_BOARDS[target])]);
  }
  for (const [name, text] of support) writeFileSync(path.join(buildDir, name), text);

  const includes = [...includeDirs(m).map((d) => `-I${d === '.' ? exportDir : path.join(exportDir, d)}`), `-I${buildDir}`];
  const defines = exportDefines(m).map((d) => `-D${d}`);
  const library = librarySources(m).map((f) => path.join(exportDir, f));
  const platform = support.filter(([f]) => f.endsWith('.c')).map(([f]) => path.join(buildDir, f));
  const objectOf = (src: string): string => {
    const rel = src.startsWith(exportDir) ? path.relative(exportDir, src) : `harness_${path.basename(src)}`;
    return path.join(buildDir, 'obj', rel.replace(/[\\/]/g, '_').replace(/\.c$/, '.o'));
  };
  const commands: string[] = [];
  const timeoutMs = o.timeoutMs ?? 600_000;
  await pool([...library, ...platform], 2, async (src) => {
    const args = [...cflags, ...defines, ...includes, '-c', src, '-o', objectOf(src)];
    commands.push(commandLine(cc, args));
    await runTool(cc, args, { cwd: buildDir, timeoutMs });
  });
  const objects = [...library, ...platform].map(objectOf);
  const image = path.join(buildDir, target === 'host' ? 'harness' : 'harness.elf');
  const mapFile = target === 'host' ? undefined : path.join(buildDir, 'harness.map');
  const linkArgs = target === 'host'
    ? [...cflags, '-o', image, ...objects, '-lm']
    : [...cflags, ...ldflags, '-T', path.join(buildDir, 'board.ld'), `-Wl,-Map=${mapFile}`, '-o', image, ...objects, '-lm'];
  commands.push(commandLine(cc, linkArgs));
  await runTool(cc, linkArgs, { cwd: buildDir, timeoutMs });
  return { target, image, mapFile, modelObjects: library.map(objectOf), commands };
}
