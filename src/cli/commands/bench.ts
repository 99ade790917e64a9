import type { Command } from 'commander';
import { loadModelArg } from '../../ir/load.js';
import { benchTrain } from '../../train/bench.js';
import { parseIntArg, printJson } from '../output.js';

export function registerBench(program: Command): void {
  const bench = program.command('bench').description('measure speed');
  bench
    .command('train')
    .description('training and inference samples/s on random data (train = forward + backward + Adam)')
    .option('--model <preset|file.json>', 'model', 'ds-cnn')
    .option('--batch <n>', 'batch size', '32')
    .option('--steps <n>', 'timed steps', '30')
    .option('--kernels <impl>', 'auto, native or reference', 'auto')
    .option('--json', 'print JSON')
    .action((o) => {
      const r = benchTrain(loadModelArg(o.model), parseIntArg('batch', o.batch), parseIntArg('steps', o.steps), o.kernels);
      if (o.json) return printJson(r);
      console.log(`${r.model} batch ${r.batch}: train ${Math.round(r.trainSamplesPerSec)} samples/s, inference ${Math.round(r.inferSamplesPerSec)} samples/s (${r.kernels} kernels)`);
    });
}
