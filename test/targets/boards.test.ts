import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerBoards } from '../../src/cli/commands/boards.js';
import { MlforgeError } from '../../src/errors.js';
import { BOARDS, Board, BoardSources, boardNames, findBoard, type BoardInput } from '../../src/targets/index.js';

/** Boards the brief asks for by name (current hardware-model-v2 names). */
const REQUIRED = [
  'nrf52840dk/nrf52840', 'nucleo_f746zg', 'stm32h747i_disco/stm32h747xx/m7', 'rpi_pico', 'rpi_pico2/rp2350a/m33',
  'esp32s3_devkitc/esp32s3/procpu', 'nrf5340dk/nrf5340/cpuapp', 'disco_l475_iot1', 'arduino_nano_33_ble', 'ek_ra8m1',
  'qemu_cortex_m3', 'mps2/an385', 'mps2/an386', 'mps2/an500', 'mps2/an521/cpu0', 'mps3/corstone300/an547',
  'nucleo_l4r5zi', 'nucleo_g071rb', 'esp32c3_devkitm',
];

describe('board database', () => {
  it('has at least 18 boards with unique names and aliases, including the required ones', () => {
    expect(BOARDS.length).toBeGreaterThanOrEqual(18);
    const names = BOARDS.flatMap((b) => [b.name, ...b.aliases]);
    expect(new Set(names).size).toBe(names.length);
    for (const n of REQUIRED) expect(boardNames()).toContain(n);
  });

  it.each(BOARDS.map((b) => [b.name, b] as const))('%s validates and cites a source for every figure', (_, b) => {
    expect(Board.parse(b)).toEqual(b);
    expect(b.sources).toBeDefined();
    const sources = BoardSources.parse(b.sources);
    for (const key of Object.keys(BoardSources.shape)) expect(sources[key as keyof BoardSources].length).toBeGreaterThan(5);
    expect(b.maxClockHz).toBeGreaterThanOrEqual(b.defaultClockHz);
    expect(b.sramBytes % 1024).toBe(0);
    expect(b.flashBytes % 1024).toBe(0);
  });

  it('has plausible figures per core', () => {
    for (const b of BOARDS) {
      if (b.helium) expect(['cortex-m55', 'cortex-m85']).toContain(b.core);
      if (b.core === 'cortex-m0plus' || b.core === 'cortex-m3') expect([b.fpu, b.dsp]).toEqual(['none', false]);
      if (b.core === 'cortex-m4' || b.core === 'cortex-m7') expect(b.dsp).toBe(true);
      expect(b.defaultClockHz).toBeGreaterThanOrEqual(1e6);
      expect(b.maxClockHz).toBeLessThanOrEqual(500e6);
    }
    const qemu = Object.fromEntries(BOARDS.filter((b) => b.qemuMachine).map((b) => [b.name, b.qemuMachine]));
    expect(qemu).toEqual({
      qemu_cortex_m3: 'lm3s6965evb', 'mps2/an385': 'mps2-an385', 'mps2/an386': 'mps2-an386', 'mps2/an500': 'mps2-an500',
      'mps2/an521/cpu0': 'mps2-an521', 'mps3/corstone300/an547': 'mps3-an547',
    });
  });

  it('pins a few figures', () => {
    expect(findBoard('nrf52840dk/nrf52840')).toMatchObject({ core: 'cortex-m4', defaultClockHz: 64e6, sramBytes: 262144, flashBytes: 1048576, fpu: 'sp' });
    expect(findBoard('nucleo_l4r5zi')).toMatchObject({ core: 'cortex-m4', maxClockHz: 120e6, flashBytes: 2 * 1048576 });
    expect(findBoard('nucleo_g071rb')).toMatchObject({ core: 'cortex-m0plus', sramBytes: 36 * 1024, flashBytes: 128 * 1024 });
    expect(findBoard('ek_ra8m1')).toMatchObject({ core: 'cortex-m85', helium: true, defaultClockHz: 480e6 });
    expect(findBoard('mps3/corstone300/an547')).toMatchObject({ core: 'cortex-m55', helium: true, qemuMachine: 'mps3-an547' });
    expect(findBoard('esp32c3_devkitm')).toMatchObject({ core: 'riscv32', fpu: 'none' });
  });

  it('is read-only', () => {
    expect(Object.isFrozen(BOARDS)).toBe(true);
    expect(() => { (BOARDS[0] as { sramBytes: number }).sramBytes = 1; }).toThrow(TypeError);
  });
});

describe('findBoard', () => {
  it('finds by name, alias and case-insensitively', () => {
    expect(findBoard('nrf52840dk_nrf52840').name).toBe('nrf52840dk/nrf52840');
    expect(findBoard('mps2/an521').name).toBe('mps2/an521/cpu0');
    expect(findBoard('NUCLEO_F746ZG').name).toBe('nucleo_f746zg');
  });

  it('lists close names for an unknown board', () => {
    let err: unknown;
    try { findBoard('nrf5340'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(MlforgeError);
    const e = err as MlforgeError;
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toMatch(/^unknown board "nrf5340" \(closest: nrf5340dk\/nrf5340\/cpuapp/);
    expect(e.message).not.toContain('\n');
    expect(e.hint).toMatch(/mlforge boards/);
    expect(() => findBoard('stm32h747')).toThrow(/closest: stm32h747i_disco\/stm32h747xx\/m7/);
  });

  it('prefers user boards, which may redefine a built-in one', () => {
    const input: BoardInput = { name: 'rpi_pico', core: 'cortex-m0plus', defaultClockHz: 200e6, maxClockHz: 200e6, sramBytes: 264 * 1024, flashBytes: 16 << 20, fpu: 'none', dsp: false, helium: false };
    const mine = Board.parse(input);
    expect(findBoard('rpi_pico', [mine]).flashBytes).toBe(16 << 20);
    expect(() => findBoard('my_board', [mine])).toThrow(MlforgeError);
  });

  it('rejects boards that break the rules', () => {
    const base = { name: 'x', core: 'cortex-m3', defaultClockHz: 1e6, maxClockHz: 1e6, sramBytes: 1024, flashBytes: 1024, fpu: 'none', dsp: false, helium: false } as const;
    expect(Board.safeParse({ ...base, helium: true }).success).toBe(false);
    expect(Board.safeParse({ ...base, fpu: 'sp' }).success).toBe(false);
    expect(Board.safeParse({ ...base, maxClockHz: 1 }).success).toBe(false);
    expect(Board.safeParse({ ...base, name: 'has space' }).success).toBe(false);
    expect(Board.safeParse({ ...base, extra: 1 }).success).toBe(false);
  });
});

describe('mlforge boards', () => {
  afterEach(() => vi.restoreAllMocks());

  async function run(...args: string[]): Promise<string> {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((s: string) => { lines.push(s); });
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { lines.push(String(s)); return true; });
    const program = new Command().exitOverride();
    registerBoards(program);
    await program.parseAsync(['node', 'mlforge', 'boards', ...args]);
    out.mockRestore();
    return lines.join('\n');
  }

  it('prints a table with every board', async () => {
    const text = await run();
    expect(text).toMatch(/^board\s+core\s+MHz\s+SRAM\s+flash\s+FPU\s+DSP\s+MVE\s+QEMU/);
    for (const b of BOARDS) expect(text).toContain(b.name);
    expect(text).toMatch(/stm32h747i_disco\/stm32h747xx\/m7\s+cortex-m7\s+400\/480\s+512 KiB\s+1 MiB\s+dp\s+yes/);
  });

  it('prints JSON and one board with sources', async () => {
    expect(JSON.parse(await run('--json'))).toHaveLength(BOARDS.length);
    const one = await run('nucleo_l4r5zi');
    expect(one).toMatch(/SRAM\s+192 KiB\s+Zephyr boards\/st\/nucleo_l4r5zi\/nucleo_l4r5zi.yaml/);
    expect(JSON.parse(await run('ek_ra8m1', '--json')).helium).toBe(true);
  });
});
