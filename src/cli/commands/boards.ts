import type { Command } from 'commander';
import { BOARDS, findBoard, type Board } from '../../targets/index.js';
import { formatBytes, formatHz } from '../../spec/index.js';
import { printJson } from '../output.js';

const mhz = (b: Board) => {
  const d = +(b.defaultClockHz / 1e6).toFixed(2);
  const m = +(b.maxClockHz / 1e6).toFixed(2);
  return d === m ? `${d}` : `${d}/${m}`;
};

function details(b: Board): string[] {
  const s = b.sources;
  const row = (label: string, value: string, src?: string) => `${label.padEnd(10)}${value.padEnd(30)}${src ? `  ${src}` : ''}`;
  return [
    `${b.name}${b.aliases.length ? ` (also: ${b.aliases.join(', ')})` : ''}${b.soc ? ` — ${b.vendor ? `${b.vendor} ` : ''}${b.soc}` : ''}`,
    row('core', b.core, s?.core),
    row('clock', formatHz(b.defaultClockHz), s?.defaultClockHz),
    row('max clock', formatHz(b.maxClockHz), s?.maxClockHz),
    row('SRAM', formatBytes(b.sramBytes), s?.sramBytes),
    row('flash', formatBytes(b.flashBytes), s?.flashBytes),
    row('features', `FPU ${b.fpu}, DSP ${b.dsp ? 'yes' : 'no'}, Helium ${b.helium ? 'yes' : 'no'}`, s?.features),
    row('QEMU', b.qemuMachine ?? '-', s?.qemuMachine),
    ...(b.notes ? [`note      ${b.notes}`] : []),
  ];
}

export function registerBoards(program: Command): void {
  program
    .command('boards')
    .description('list target boards: core, clock, SRAM and flash for the application, FPU/DSP/Helium, QEMU machine')
    .argument('[name]', 'show one board, with the source of each figure')
    .option('--json', 'print JSON')
    .action((name: string | undefined, o: { json?: boolean }) => {
      if (name !== undefined) {
        const b = findBoard(name);
        if (o.json) return printJson(b);
        return console.log(details(b).join('\n'));
      }
      if (o.json) return printJson(BOARDS);
      const w = Math.max(...BOARDS.map((b) => b.name.length)) + 2;
      const cols: [string, number][] = [['board', w], ['core', 15], ['MHz', 9], ['SRAM', 10], ['flash', 10], ['FPU', 5], ['DSP', 5], ['MVE', 5], ['QEMU', 0]];
      console.log(cols.map(([h, n]) => h.padEnd(n)).join(''));
      for (const b of BOARDS) {
        const cells = [b.name, b.core, mhz(b), formatBytes(b.sramBytes), formatBytes(b.flashBytes), b.fpu === 'none' ? '-' : b.fpu,
          b.dsp ? 'yes' : '-', b.helium ? 'yes' : '-', b.qemuMachine ?? '-'];
        console.log(cells.map((c, i) => c.padEnd(cols[i]![1])).join(''));
      }
      console.log('\nMHz: default clock (/max). SRAM, flash: what Zephyr gives the application, before the spec\'s reserve.'
        + '\nMVE: Helium. `mlforge boards NAME` shows where each figure comes from.');
    });
}
