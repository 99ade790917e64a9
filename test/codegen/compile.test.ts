/**
 * The emitted C compiles warning-free (-std=c99 -Wall -Wextra -Werror) with
 * the host cc and with arm-none-eabi-gcc for every Cortex-M target, builds
 * with its own Makefile and CMakeLists, and its example reproduces the
 * in-process output. Also pins the TypeScript scratch sizes to the C size
 * functions. Needs cc, make, cmake and arm-none-eabi-gcc (scripts/install-system.sh).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { conv2dScratchBytes, exportC, fullyConnectedScratchBytes, kernelsDir } from '../../src/codegen/index.js';
import { CORTEX_M_TARGETS, targetFlags } from '../../src/deploy/index.js';
import { loadShared, zooModel } from './models.js';

const SLOW = 900_000; // compilers on a shared, loaded machine
const tmp = mkdtempSync(path.join(os.tmpdir(), 'mlforge-compile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
// Async, so a slow compiler never blocks the test worker.
const run = async (cmd: string, args: string[], cwd: string): Promise<string> =>
  (await promisify(execFile)(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 24 })).stdout;

describe('generated C builds and runs', () => {
  const zoo = exportC(zooModel(), path.join(tmp, 'zoo'));
  const kws = exportC(loadShared('kws_ref_model.tflite'), path.join(tmp, 'kws'));

  it('host: make builds the library and the example, which matches in-process evaluation', async () => {
    for (const e of [zoo, kws]) {
      await run('make', ['-s'], e.outDir);
      const out = await run('./example/main', [], e.outDir);
      expect(out).toContain('matches the in-process evaluation');
      expect(out).toMatch(/class: \d+/);
    }
  }, SLOW);

  it('host: cmake builds the library target and the example', async () => {
    const build = path.join(zoo.outDir, 'build');
    await run('cmake', ['-S', '.', '-B', build, '-DCMAKE_C_FLAGS=-Werror', '-DCMAKE_BUILD_TYPE=Release'], zoo.outDir);
    await run('cmake', ['--build', build], zoo.outDir);
    expect(await run(path.join(build, 'mlforge_example'), [], zoo.outDir)).toContain('matches the in-process evaluation');
  }, SLOW);

  for (const target of CORTEX_M_TARGETS) {
    it(`${target}: every source compiles warning-free with arm-none-eabi-gcc`, async () => {
      const { cc, cflags } = targetFlags(target);
      const dir = path.join(tmp, `obj-${target}`);
      mkdirSync(dir, { recursive: true });
      // The zoo uses every kernel. -O2 is what verify builds; -Os (size-constrained builds) on one core.
      const sources = zoo.files.filter((f) => f.endsWith('.c')).map((f) => path.join(zoo.outDir, f));
      for (const opt of target === 'cortex-m4' ? ['-O2', '-Os'] : ['-O2']) {
        await run(cc, [...cflags.filter((f) => !f.startsWith('-O')), opt, '-DMLFORGE_ROUNDING=MLF_ROUND_DOUBLE', `-I${zoo.outDir}`, `-I${zoo.outDir}/kernels`, '-c', ...sources], dir);
      }
    }, SLOW);
  }
});

describe('scratch sizes', () => {
  it('the TypeScript twins equal the C size functions', async () => {
    const dir = path.join(tmp, 'scratch');
    mkdirSync(dir, { recursive: true });
    const k = kernelsDir();
    const cases: [number, number, number][] = [[1, 1, 1], [3, 3, 8], [10, 4, 1], [5, 7, 33], [1, 1, 512]];
    writeFileSync(path.join(dir, 'main.c'), `#include <stdio.h>
#include "mlforge_kernels.h"
int main(void) {
${cases.map(([kh, kw, cin]) => `  { mlf_dims4_t in = {1, 9, 9, ${cin}}, f = {4, ${kh}, ${kw}, ${cin}}; printf("%lu %lu\\n", (unsigned long)mlf_conv2d_s8_scratch_size(&in, &f), (unsigned long)mlf_fully_connected_s8_scratch_size(${kh * kw * cin})); }`).join('\n')}
  return 0;
}
`);
    await run('cc', ['-std=c99', '-Wall', '-Wextra', '-Werror', `-I${k}`, 'main.c', path.join(k, 'conv2d_s8.c'), path.join(k, 'fully_connected_s8.c'), '-o', 'scratch'], dir);
    const lines = (await run('./scratch', [], dir)).trim().split('\n');
    expect(lines).toEqual(cases.map(([kh, kw, cin]) => `${conv2dScratchBytes(kh, kw, cin)} ${fullyConnectedScratchBytes(kh * kw * cin)}`));
  }, SLOW);
});
