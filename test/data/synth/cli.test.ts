import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { registerData } from '../../../src/cli/commands/data.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'mlforge-data-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs `mlforge data …` in-process (main.ts registers the same command); returns the JSON line printed. */
async function data(args: string[]): Promise<Record<string, unknown>> {
  const program = new Command().exitOverride();
  registerData(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out += String(s); return true; });
  try {
    await program.parseAsync(['node', 'mlforge', 'data', ...args]);
  } finally {
    spy.mockRestore();
  }
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
}

describe('mlforge data', () => {
  const out = path.join(tmp, 'vib');
  it('synth-vibration --json, then a cached rerun, then health on the result', async () => {
    const r = await data(['synth-vibration', '--out', out, '--seconds', '1', '--machines', '1', '--json']);
    expect(r).toMatchObject({ cached: false, out, sampleRate: 1000 });
    expect((await data(['synth-vibration', '--out', out, '--seconds', '1', '--machines', '1', '--json'])).cached).toBe(true);
    const h = await data(['health', out, '--kind', 'series', '--json']);
    expect(h).toMatchObject({ kind: 'series', items: r.recordings, source: 'manifest' });
  });

  it('bad flags fail with one line', async () => {
    await expect(data(['synth-vibration', '--out', out, '--seed', 'x'])).rejects.toThrow(/--seed: expected an integer/);
    await expect(data(['synth-kws', '--out', out, '--per-word', '0'])).rejects.toThrow(/--per-word: expected an integer ≥ 1/);
    await expect(data(['health', out, '--kind', 'video'])).rejects.toThrow(/--kind: expected audio or series/);
    await expect(data(['health', path.join(tmp, 'none')])).rejects.toThrow(/does not exist/);
  });
});
