import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { MlforgeError } from '../../errors.js';
import { formatInspection, inspectTflite, readTflite } from '../../formats/tflite/index.js';
import { codeFamily, estimateFootprint, type Footprint } from '../../formats/tflite/footprint.js';
import { defaultReserves } from '../../spec/index.js';
import { findBoard, type Board } from '../../targets/index.js';
import { printJson } from '../output.js';

const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;

/** "Will it fit": the estimate against the board's memory, whole and after the default RTOS/application reserve. */
function fitOn(board: Board, fp: Footprint) {
  const reserve = defaultReserves(board);
  const sramAvailable = board.sramBytes - reserve.sramBytes;
  const flashAvailable = board.flashBytes - reserve.flashBytes;
  return {
    name: board.name, core: board.core, sramBytes: board.sramBytes, flashBytes: board.flashBytes,
    sramAvailable, flashAvailable,
    fitsSram: fp.arenaBytes <= sramAvailable, fitsFlash: fp.flashBytes <= flashAvailable,
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
      const bytes = new Uint8Array(readFileSync(file));
      const name = path.basename(file);
      const info = inspectTflite(bytes, name);
      // Arena and flash need the converted model; a file with unsupported ops still gets the rest of the report.
      const footprint = info.convertible ? estimateFootprint(readTflite(bytes, name), board ? codeFamily(board) : undefined) : undefined;
      if (footprint) {
        info.arenaBytes = footprint.arenaBytes;
        info.flashBytes = footprint.flashBytes;
      }
      const fit = board && footprint ? fitOn(board, footprint) : undefined;
      if (o.json) {
        printJson({ ...info, ...(footprint ? { footprint } : {}), ...(fit ? { board: fit } : {}) });
        return;
      }
      const lines = [formatInspection(info)];
      if (footprint) {
        lines.push(`arena ${kib(footprint.arenaBytes)} planned (TFLite Micro greedy ${kib(footprint.greedyArenaBytes)}); ` +
          `flash ≈ ${kib(footprint.flashBytes)} = ${kib(footprint.constantBytes)} constants + ${kib(footprint.kernelCodeBytes)} kernel code (${footprint.family}, ${footprint.kernels.length} kernel files)`);
      } else {
        lines.push('arena and flash: not estimated (the model does not convert; see above)');
      }
      if (fit) {
        const yes = (ok: boolean) => (ok ? 'fits' : 'DOES NOT FIT');
        lines.push(`${fit.name} (${fit.core}): SRAM ${yes(fit.fitsSram)} (${kib(footprint!.arenaBytes)} of ${kib(fit.sramAvailable)} after the default reserve), ` +
          `flash ${yes(fit.fitsFlash)} (${kib(footprint!.flashBytes)} of ${kib(fit.flashAvailable)})`);
      } else if (board) {
        lines.push(`${board.name}: fit not checked (the model does not convert)`);
      }
      console.log(lines.join('\n'));
    });
}
