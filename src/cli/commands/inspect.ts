import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { MlforgeError } from '../../errors.js';
import { formatInspection, inspectTflite, readTflite } from '../../formats/tflite/index.js';
import { defaultReserves } from '../../spec/index.js';
import { estimateCost, findBoard, type Board, type CostEstimate } from '../../targets/index.js';
import { planMemory } from '../../codegen/index.js';
import { printJson } from '../output.js';

const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;

/** Without --board, costs are estimated for a Cortex-M4 with the DSP extension (QEMU's mps2-an386). */
const DEFAULT_BOARD = 'mps2/an386';

/** "Will it fit": the estimate against the board's memory, whole and after the default RTOS/application reserve. */
function fitOn(board: Board, fp: CostEstimate) {
  const reserve = defaultReserves(board);
  const sramAvailable = board.sramBytes - reserve.sramBytes;
  const flashAvailable = board.flashBytes - reserve.flashBytes;
  return {
    name: board.name, core: board.core, sramBytes: board.sramBytes, flashBytes: board.flashBytes,
    sramAvailable, flashAvailable,
    fitsSram: fp.sramBytes <= sramAvailable, fitsFlash: fp.flashBytes <= flashAvailable,
  };
}

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('list a .tflite file\'s ops, tensors, quantization, parameters, MACs, planned arena and estimated flash, and any op MLForge lacks')
    .argument('<file>', 'a .tflite file')
    .option('--board <name>', 'estimate kernel code for this board\'s core and check the model fits (see mlforge boards)')
    .option('--json', 'print one JSON object on stdout')
    .action((fileArg: string, o) => {
      const file = path.resolve(fileArg);
      if (!existsSync(file) || statSync(file).isDirectory()) throw new MlforgeError('NOT_FOUND', `${file} is not a file`);
      const board = o.board ? findBoard(o.board) : undefined;
      const costBoard = board ?? findBoard(DEFAULT_BOARD);
      const bytes = new Uint8Array(readFileSync(file));
      const name = path.basename(file);
      const info = inspectTflite(bytes, name);
      // Arena and flash need the converted model; a file with unsupported ops still gets the rest of the report.
      const model = info.convertible ? readTflite(bytes, name) : undefined;
      const est = model ? estimateCost(model, costBoard) : undefined;
      const greedyArenaBytes = model ? planMemory(model, { strategy: 'greedy' }).arenaBytes : undefined;
      if (est) {
        info.arenaBytes = est.sram.arena;
        info.flashBytes = est.flashBytes;
      }
      const fit = board && est ? fitOn(board, est) : undefined;
      if (o.json) {
        const cost = est && { ...est, perLayer: undefined, greedyArenaBytes };
        printJson({ ...info, ...(cost ? { cost } : {}), ...(fit ? { board: fit } : {}) });
        return;
      }
      const lines = [formatInspection(info)];
      if (est) {
        lines.push(`arena ${kib(est.sram.arena)} planned (TFLite Micro greedy ${kib(greedyArenaBytes!)}); SRAM ≈ ${kib(est.sramBytes)} with I/O and stack; ` +
          `flash ≈ ${kib(est.flashBytes)} = ${kib(est.flash.weights)} constants + ${kib(est.flash.kernelCode)} kernel code + ${kib(est.flash.other)} glue; ` +
          `latency ≈ ${est.latencyMs.toFixed(1)} ms on ${costBoard.name} (${costBoard.core} at ${costBoard.defaultClockHz / 1e6} MHz; estimates)`);
      } else {
        lines.push('arena and flash: not estimated (the model does not convert; see above)');
      }
      if (fit) {
        const yes = (ok: boolean) => (ok ? 'fits' : 'DOES NOT FIT');
        lines.push(`${fit.name} (${fit.core}): SRAM ${yes(fit.fitsSram)} (${kib(est!.sramBytes)} of ${kib(fit.sramAvailable)} after the default reserve), ` +
          `flash ${yes(fit.fitsFlash)} (${kib(est!.flashBytes)} of ${kib(fit.flashAvailable)})`);
      } else if (board) {
        lines.push(`${board.name}: fit not checked (the model does not convert)`);
      }
      console.log(lines.join('\n'));
    });
}
