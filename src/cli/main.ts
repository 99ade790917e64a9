/** The `mlforge` command line: wiring only; every command calls a library function. */
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { fail } from './output.js';
import { registerTrain } from './commands/train.js';
import { registerPresets } from './commands/presets.js';
import { registerBench } from './commands/bench.js';
import { registerBoards } from './commands/boards.js';
import { registerInit } from './commands/init.js';
import { registerQuantize } from './commands/quantize.js';
import { registerExport } from './commands/export.js';
import { registerVerify } from './commands/verify.js';
import { registerImport } from './commands/import.js';
import { registerInfer } from './commands/infer.js';
import { registerInspect } from './commands/inspect.js';
import { registerForge } from './commands/forge.js';
import { registerRuns } from './commands/runs.js';
import { registerCalibrate } from './commands/calibrate.js';
import { registerData } from './commands/data.js';

const program = new Command();
program
  .name('mlforge')
  .description('From a task, a dataset and a microcontroller to a deployable int8 model.')
  .version(VERSION)
  .option('--debug', 'print stack traces on errors')
  .showSuggestionAfterError(true)
  .exitOverride()
  .configureOutput({ outputError: (str, write) => write(`mlforge: ${str.replace(/^error: /, '').trim()}\n`) });

registerTrain(program);
registerPresets(program);
registerBench(program);
registerBoards(program);
registerInit(program);
registerQuantize(program);
registerExport(program);
registerVerify(program);
registerImport(program);
registerInfer(program);
registerInspect(program);
registerForge(program);
registerRuns(program);
registerCalibrate(program);
registerData(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  fail(e);
}
