import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MlforgeError } from '../../errors.js';
import { Store, STORE_FILE } from '../../store/index.js';
import { printJson } from '../output.js';

export function registerRuns(program: Command): void {
  program
    .command('runs')
    .description('list the forge runs in an output folder')
    .option('--out <dir>', 'the forge output folder', 'out/forge')
    .option('--json', 'print one JSON array on stdout')
    .action((o) => {
      const file = join(resolve(o.out), STORE_FILE);
      if (!existsSync(file)) throw new MlforgeError('NOT_FOUND', `no forge store at ${file}`, 'pass the --out folder of `mlforge forge`');
      const store = Store.open(file, { readonly: true });
      try {
        const runs = store.listRuns();
        if (o.json) { printJson(runs.map((r) => ({ id: r.id, status: r.status, createdAt: r.createdAt, trials: r.trials, bestInt8Accuracy: r.bestInt8Accuracy, outDir: r.outDir }))); return; }
        for (const r of runs) {
          const best = r.bestInt8Accuracy === null ? '—' : `${(r.bestInt8Accuracy * 100).toFixed(2)}%`;
          console.log(`${r.id}  ${r.status.padEnd(11)} ${r.createdAt.slice(0, 19).replace('T', ' ')}  trials ${r.trials.done} done / ${r.trials.pending + r.trials.running} open / ${r.trials.failed} failed  best int8 val ${best}`);
        }
      } finally { store.close(); }
    });
}
