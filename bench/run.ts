/**
 * `npm run bench`: MLForge's benchmarks, one JSON document on stdout.
 * Training engine vs PyTorch (Debian python3-torch, 2 threads) side by side on
 * the same model shapes and batches, measured in this one run; int8 models on
 * QEMU beside TFLM; the forge's search quality against fixed baselines
 * (bench/search-quality.ts, ~(1 + 2) × budget per dataset).
 * Options: --models a,b --batches 32,128 --steps N --no-int8
 *   --no-search --search-budget 5m --search-datasets mnist,fashion-mnist --search-board nrf52840dk/nrf52840
 *   --only training,int8,search (the sections to run; default all, minus --no-*)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPreset, resolveModel } from '../src/ir/index.js';
import { benchTrain } from '../src/train/bench.js';
import { benchInt8 } from './int8.js';
import { benchSearchQuality } from './search-quality.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const models = arg('models', 'ds-cnn,resnet8,mobilenet-v1-0.25,ae-fc').split(',');
const batches = arg('batches', '32,128').split(',').map(Number);
const steps = Number(arg('steps', '20'));
const log = (s: string) => process.stderr.write(s + '\n');
const only = process.argv.includes('--only') ? arg('only', '').split(',') : ['training', 'int8', 'search'];
const runs = (section: string) => only.includes(section) && !process.argv.includes(`--no-${section}`);

interface Rates {
  trainSamplesPerSec: number; inferSamplesPerSec: number;
  trainSamplesPerSecMedian: number; inferSamplesPerSecMedian: number;
}
const rates = (r: Rates): Rates => ({
  trainSamplesPerSec: r.trainSamplesPerSec, inferSamplesPerSec: r.inferSamplesPerSec,
  trainSamplesPerSecMedian: r.trainSamplesPerSecMedian, inferSamplesPerSecMedian: r.inferSamplesPerSecMedian,
});

function torchAvailable(): boolean {
  return spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

const dir = mkdtempSync(join(tmpdir(), 'mlforge-bench-'));
const haveTorch = runs('training') && torchAvailable();
if (runs('training') && !haveTorch) log('PyTorch not found for /usr/bin/python3 (apt-get install python3-torch): the PyTorch column is omitted');

const training = [];
for (const name of runs('training') ? models : []) {
  const model = findPreset(name)!.build();
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(resolveModel(model).model));
  for (const batch of batches) {
    log(`training ${name} batch ${batch} …`);
    const ours = benchTrain(resolveModel(model), batch, steps);
    let torch: Rates | undefined;
    if (haveTorch) {
      const r = spawnSync('/usr/bin/python3', ['bench/torch_bench.py', file, '--batch', String(batch), '--steps', String(steps)], { encoding: 'utf8' });
      if (r.status === 0) torch = JSON.parse(r.stdout.trim().split('\n').pop()!);
      else log(`torch_bench failed for ${name}: ${r.stderr.split('\n').slice(-3).join(' ')}`);
    }
    // Ratios at the median step are the headline: this VM stalls for up to ~0.7 s
    // at random (a plain JS loop shows it too), which lands on whichever side it hits.
    training.push({
      model: name, batch, params: ours.params, macs: ours.macs,
      mlforge: { ...rates(ours), kernels: ours.kernels },
      pytorch: torch && rates(torch),
      trainRatio: torch && ours.trainSamplesPerSecMedian / torch.trainSamplesPerSecMedian,
      inferRatio: torch && ours.inferSamplesPerSecMedian / torch.inferSamplesPerSecMedian,
      trainRatioMean: torch && ours.trainSamplesPerSec / torch.trainSamplesPerSec,
      inferRatioMean: torch && ours.inferSamplesPerSec / torch.inferSamplesPerSec,
    });
    const t = training[training.length - 1]!;
    log(`  mlforge train ${Math.round(ours.trainSamplesPerSecMedian)}/s infer ${Math.round(ours.inferSamplesPerSecMedian)}/s` +
      (torch ? ` | pytorch train ${Math.round(torch.trainSamplesPerSecMedian)}/s infer ${Math.round(torch.inferSamplesPerSecMedian)}/s | ratio ${t.trainRatio!.toFixed(2)} / ${t.inferRatio!.toFixed(2)} (median step)` : ''));
  }
}

// Int8 on the target: the real MLPerf Tiny models under QEMU (instructions, RAM, flash) beside TFLM's figures.
const int8 = runs('int8') ? await benchInt8({ log }) : [];

const searchQuality = runs('search') ? await benchSearchQuality({
  datasets: arg('search-datasets', 'mnist,fashion-mnist').split(','),
  board: arg('search-board', 'nrf52840dk/nrf52840'),
  budget: arg('search-budget', '5m'),
  log,
}) : [];

process.stdout.write(JSON.stringify({ date: new Date().toISOString(), node: process.version, training, int8, searchQuality }, null, 2) + '\n');
