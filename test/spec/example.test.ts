import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerInit } from '../../src/cli/commands/init.js';
import { EXAMPLE_SPEC, SpecInput, loadSpec, parseSpecYaml, resolveSpec, specJsonSchema, writeInitFiles } from '../../src/spec/index.js';

const TOP_LEVEL = ['name', 'task', 'dataset', 'board', 'boards', 'constraints', 'objectives', 'budget', 'search', 'seed', 'out'];

describe('example spec', () => {
  it('resolves', () => {
    const s = resolveSpec(parseSpecYaml(EXAMPLE_SPEC, 'mlforge.yaml'), { file: 'mlforge.yaml', cwd: '/work' });
    expect(s).toMatchObject({
      name: 'digits', task: 'classification', dataset: { kind: 'builtin', source: 'mnist' }, board: { name: 'nrf52840dk/nrf52840' },
      constraints: { latencyMs: 100, origin: { sramBytes: 'board', flashBytes: 'board', latencyMs: 'spec' } },
      objectives: { maximize: 'accuracy', minimize: ['sram', 'latency'] }, budget: { timeSeconds: 1200, maxTrials: 40 },
      search: { planner: 'builtin' }, seed: 0, out: '/work/out/digits',
    });
  });

  it('explains every top-level field in a comment', () => {
    for (const field of TOP_LEVEL) expect(EXAMPLE_SPEC).toMatch(new RegExp(`^#? ?${field}:`, 'm'));
    // Each top-level field is preceded by a comment line.
    const lines = EXAMPLE_SPEC.split('\n');
    lines.forEach((l, i) => { if (/^[a-z]+:/.test(l)) expect(lines[i - 1]).toMatch(/^#/); });
  });

  it('parses as SpecInput without resolution', () => {
    expect(SpecInput.safeParse(parseSpecYaml(EXAMPLE_SPEC)).success).toBe(true);
  });
});

describe('JSON Schema', () => {
  it('is valid JSON that lists the top-level fields and closes objects', () => {
    const schema = JSON.parse(JSON.stringify(specJsonSchema())) as { properties: Record<string, unknown>; additionalProperties: boolean; $schema: string };
    expect(schema.$schema).toMatch(/draft-07/);
    for (const f of TOP_LEVEL) expect(Object.keys(schema.properties)).toContain(f);
    expect(schema.additionalProperties).toBe(false);
    const constraints = schema.properties.constraints as { properties: Record<string, { anyOf: { type: string }[] }> };
    expect(constraints.properties.sramBytes!.anyOf.map((a) => a.type)).toEqual(['number', 'string']);
  });
});

describe('mlforge init', () => {
  afterEach(() => vi.restoreAllMocks());

  async function init(cwd: string, ...args: string[]): Promise<void> {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    vi.spyOn(process, 'cwd').mockReturnValue(cwd);
    const program = new Command().exitOverride();
    registerInit(program);
    await program.parseAsync(['node', 'mlforge', 'init', ...args]);
  }

  it('writes the example spec, refuses to overwrite it without --force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlforge-init-'));
    await init(dir);
    expect(readFileSync(join(dir, 'mlforge.yaml'), 'utf8')).toBe(EXAMPLE_SPEC);
    expect(loadSpec(join(dir, 'mlforge.yaml')).out).toBe(join(dir, 'out', 'digits'));
    writeFileSync(join(dir, 'mlforge.yaml'), 'mine');
    await expect(init(dir)).rejects.toThrow(/mlforge\.yaml already exists; pass --force/);
    expect(readFileSync(join(dir, 'mlforge.yaml'), 'utf8')).toBe('mine');
    await init(dir, '--force');
    expect(readFileSync(join(dir, 'mlforge.yaml'), 'utf8')).toBe(EXAMPLE_SPEC);
  });

  it('writes the JSON Schema alone with --schema, and points the spec at it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlforge-init-'));
    await init(dir, '--schema', 'spec.schema.json');
    expect(existsSync(join(dir, 'mlforge.yaml'))).toBe(false);
    expect(Object.keys(JSON.parse(readFileSync(join(dir, 'spec.schema.json'), 'utf8')).properties)).toContain('constraints');
    await expect(init(dir, '--schema', 'spec.schema.json')).rejects.toThrow(/already exists/);
    const written = writeInitFiles({ specFile: 'cfg/forge.yaml', schemaFile: 'spec.schema.json', force: true, cwd: dir });
    expect(written).toEqual([join(dir, 'spec.schema.json'), join(dir, 'cfg', 'forge.yaml')]);
    expect(readFileSync(join(dir, 'cfg', 'forge.yaml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../spec.schema.json');
  });
});
