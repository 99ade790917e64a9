import type { Command } from 'commander';
import { PRESETS, countModel, resolveModel } from '../../ir/index.js';
import { printJson } from '../output.js';

export function registerPresets(program: Command): void {
  program
    .command('presets')
    .description('list built-in model architectures with input shape, parameters and MACs')
    .option('--json', 'print JSON')
    .action((o) => {
      const rows = PRESETS.map((p) => {
        const r = resolveModel(p.build());
        const c = countModel(r);
        return { name: p.name, description: p.description, inputShape: r.inputShape, outputShape: r.outShape,
          params: c.params, paramsFolded: c.paramsFolded, macs: c.macs, layers: r.layers.length };
      });
      if (o.json) return printJson(rows);
      const fmt = (n: number) => n.toLocaleString('en');
      console.log(['preset'.padEnd(20), 'input'.padEnd(12), 'params'.padStart(9), 'folded'.padStart(9), 'MACs'.padStart(12), '  description'].join(''));
      for (const r of rows) {
        console.log([r.name.padEnd(20), `[${r.inputShape}]`.padEnd(12), fmt(r.params).padStart(9), fmt(r.paramsFolded).padStart(9), fmt(r.macs).padStart(12), `  ${r.description}`].join(''));
      }
      console.log('\nparams: trainable (BN γ/β included); folded: after folding BN into weights (what ships).');
    });
}
