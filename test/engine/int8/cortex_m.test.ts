/**
 * The C kernels on real Cortex-M instruction sets: `cortex_m/harness.c` runs
 * the same pseudo-random cases everywhere and prints per-operator hashes of the
 * outputs plus the mismatch count between fast and portable paths. It is built
 * for the host (cc, with and without emulated DSP intrinsics) and cross-compiled
 * for Cortex-M4 (the SMLAD packed-MAC paths), run under QEMU (mps2-an386).
 * Every build must print the same lines, with zero mismatches. One more host
 * build fixes the rounding at compile time to double, as exports do: its
 * output stage takes the branch-free path, pinned by zero mismatches against
 * the plain loops (its hashes differ: every case rounds the same way). (The portable
 * paths on a core without DSP, e.g. Cortex-M3 on mps2-an385, print the same
 * lines too; that run is left out to keep the suite short.)
 *
 * Needs cc, arm-none-eabi-gcc (+ newlib) and qemu-system-arm, which
 * scripts/install-system.sh installs.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const kernels = path.resolve(here, '../../../native/kernels');
const harness = path.join(here, 'cortex_m');
const sources = readdirSync(kernels).filter((f) => f.endsWith('.c')).map((f) => path.join(kernels, f));
const work = mkdtempSync(path.join(tmpdir(), 'mlforge-int8-cm-'));
const warnings = ['-std=c99', '-O2', '-Wall', '-Wextra', '-Werror'];
const LIMIT = { timeout: 300_000, maxBuffer: 1 << 20 };

async function hostBuild(name: string, defines: string[]): Promise<string> {
  const exe = path.join(work, name);
  await exec('cc', [...warnings, '-pedantic', '-DHARNESS_HOST', ...defines, `-I${kernels}`, path.join(harness, 'harness.c'), ...sources, '-lm', '-o', exe], LIMIT);
  return (await exec(exe, [], LIMIT)).stdout;
}

/** Cross-compiles the harness for `cpu` and runs it on `machine`; semihosting output arrives on QEMU's stderr. */
async function qemuBuild(cpu: string, machine: string): Promise<string> {
  const elf = path.join(work, `${cpu}.elf`);
  await exec('arm-none-eabi-gcc', [
    `-mcpu=${cpu}`, '-mthumb', '-mfloat-abi=soft', ...warnings, `-I${kernels}`, '-nostartfiles',
    '-T', path.join(harness, 'link.ld'), path.join(harness, 'startup.c'), path.join(harness, 'harness.c'), ...sources,
    '--specs=nosys.specs', '-lm', '-lc', '-o', elf,
  ], LIMIT);
  const r = await exec('qemu-system-arm', ['-M', machine, '-nographic', '-semihosting-config', 'enable=on,target=native', '-kernel', elf], LIMIT);
  return r.stderr;
}

describe('int8 kernels on Cortex-M (QEMU) and the host agree byte for byte', () => {
  let outputs: Record<'host' | 'emulated' | 'm4' | 'double', string>;
  beforeAll(async () => {
    const [host, emulated, m4, double] = await Promise.all([
      hostBuild('host', []), hostBuild('host-emu', ['-DMLFORGE_EMULATE_DSP']), qemuBuild('cortex-m4', 'mps2-an386'),
      hostBuild('host-emu-double', ['-DMLFORGE_EMULATE_DSP', '-DMLFORGE_ROUNDING=MLF_ROUND_DOUBLE']),
    ]);
    outputs = { host, emulated, m4, double };
  }, 600_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('reports zero fast-path mismatches on the host', () => {
    expect(outputs.host.trim().split('\n')).toHaveLength(13);
    expect(outputs.host).not.toMatch(/mismatches=[1-9]/);
  });

  it('with the rounding fixed to double at compile time, fast paths still equal the plain loops', () => {
    expect(outputs.double.trim().split('\n')).toHaveLength(13);
    expect(outputs.double).not.toMatch(/mismatches=[1-9]/);
  });

  it('host build with emulated DSP intrinsics prints the same lines', () => {
    expect(outputs.emulated).toBe(outputs.host);
  });

  it('Cortex-M4 (SMLAD paths, mps2-an386) prints the same lines', () => {
    expect(outputs.m4).toBe(outputs.host);
  });
});
