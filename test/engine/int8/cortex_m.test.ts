/**
 * The C kernels on real Cortex-M instruction sets: `cortex_m/harness.c` runs
 * the same pseudo-random cases everywhere and prints per-operator hashes of the
 * outputs plus the mismatch count between fast and portable paths. It is built
 * for the host (cc, with and without emulated DSP intrinsics) and cross-compiled
 * for Cortex-M4 (SMLAD packed-MAC paths) and Cortex-M3 (no DSP extension), the
 * latter two run under QEMU (mps2-an386 / mps2-an385). Every build must print
 * the same lines, with zero mismatches.
 *
 * Needs cc, arm-none-eabi-gcc (+ newlib) and qemu-system-arm, which
 * scripts/install-system.sh installs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const kernels = path.resolve(here, '../../../native/kernels');
const harness = path.join(here, 'cortex_m');
const sources = readdirSync(kernels).filter((f) => f.endsWith('.c')).map((f) => path.join(kernels, f));
const work = mkdtempSync(path.join(tmpdir(), 'mlforge-int8-cm-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = (cmd: string, args: string[]): string =>
  execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });

const warnings = ['-std=c99', '-O2', '-Wall', '-Wextra', '-Werror'];

function hostBuild(name: string, defines: string[]): string {
  const exe = path.join(work, name);
  run('cc', [...warnings, '-pedantic', '-DHARNESS_HOST', ...defines, `-I${kernels}`, path.join(harness, 'harness.c'), ...sources, '-lm', '-o', exe]);
  return run(exe, []);
}

/** Cross-compiles the harness for `cpu` and runs it on `machine`; semihosting output arrives on QEMU's stderr. */
function qemuOutput(cpu: string, machine: string): string {
  const elf = path.join(work, `${cpu}.elf`);
  run('arm-none-eabi-gcc', [
    `-mcpu=${cpu}`, '-mthumb', '-mfloat-abi=soft', ...warnings, `-I${kernels}`, '-nostartfiles',
    '-T', path.join(harness, 'link.ld'), path.join(harness, 'startup.c'), path.join(harness, 'harness.c'), ...sources,
    '--specs=nosys.specs', '-lm', '-lc', '-o', elf,
  ]);
  const r = spawnSync('qemu-system-arm', ['-M', machine, '-nographic', '-semihosting-config', 'enable=on,target=native', '-kernel', elf], {
    encoding: 'utf8', timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`qemu-system-arm ${machine} exited with ${r.status ?? r.signal}: ${r.stderr}`);
  return r.stderr;
}

describe('int8 kernels on Cortex-M (QEMU) and the host agree byte for byte', () => {
  const host = hostBuild('host', []);

  it('reports zero fast-path mismatches on the host', () => {
    expect(host.trim().split('\n')).toHaveLength(13);
    expect(host).not.toMatch(/mismatches=[1-9]/);
  });

  it('host build with emulated DSP intrinsics prints the same lines', () => {
    expect(hostBuild('host-emu', ['-DMLFORGE_EMULATE_DSP'])).toBe(host);
  });

  it('Cortex-M4 (SMLAD paths, mps2-an386) prints the same lines', () => {
    expect(qemuOutput('cortex-m4', 'mps2-an386')).toBe(host);
  });

  it('Cortex-M3 (no DSP extension, mps2-an385) prints the same lines', () => {
    expect(qemuOutput('cortex-m3', 'mps2-an385')).toBe(host);
  });
});
