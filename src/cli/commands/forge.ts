import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { forge, type ForgeEvent } from '../../agent/forge.js';
import { forgeCostModel } from '../../agent/costs.js';
import { loadSpec, resolveSpec, DEFAULT_SPEC_FILE, type SpecFlags } from '../../spec/index.js';
import { info, printJson } from '../output.js';
import type { Board } from '../../targets/boards.js';

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(2)}%`);
const mmss = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

export function registerForge(program: Command): void {
  program
    .command('forge')
    .description('search, train, quantize and export the best int8 model for a dataset and a board')
    .argument('[spec]', `spec file (YAML; default ${DEFAULT_SPEC_FILE} if present, else flags and defaults)`)
    .option('--dataset <name|file.csv|dir>', 'mnist, fashion-mnist, a CSV file, or a folder of WAV clips or CSV series (overrides the spec)')
    .option('--board <name>', 'target board (mlforge boards; overrides the spec)')
    .option('--budget <time|N trials>', 'wall-time budget like 20m, or "30 trials"')
    .option('--out <dir>', 'output folder (store, runs)')
    .option('--seed <n>', 'random seed')
    .option('--resume <run>', 'resume an interrupted run of this spec (mlforge runs)')
    .option('--json', 'one JSON line per event on stdout; the last is the summary')
    .action(async (specArg: string | undefined, o) => {
      const flags: SpecFlags = { dataset: o.dataset, board: o.board, budget: o.budget, out: o.out, seed: o.seed };
      const file = specArg ?? (existsSync(DEFAULT_SPEC_FILE) ? DEFAULT_SPEC_FILE : undefined);
      const spec = file
        ? loadSpec(file, { flags })
        : resolveSpec({ dataset: 'mnist', board: 'nrf52840dk/nrf52840', out: 'out/forge' }, { flags, cwd: process.cwd() });
      const tty = process.stderr.isTTY === true && !o.json;
      if (!o.json) {
        info(`forging ${spec.dataset.name} for ${spec.board.name}: SRAM ≤ ${spec.constraints.sramBytes} B, flash ≤ ${spec.constraints.flashBytes} B` +
          `${spec.constraints.latencyMs !== null ? `, latency ≤ ${spec.constraints.latencyMs} ms` : ''}; budget ${spec.budget.timeSeconds !== null ? mmss(spec.budget.timeSeconds) : '—'}` +
          `${spec.budget.maxTrials !== null ? `, ${spec.budget.maxTrials} trials` : ''} → ${spec.out}`);
      }
      const onEvent = (e: ForgeEvent) => {
        if (o.json) { printJson(e.kind === 'done' ? { kind: 'done' } : e); return; }
        const left = (t: number) => (spec.budget.timeSeconds !== null ? `, ${mmss(Math.max(0, spec.budget.timeSeconds - t))} left` : '');
        if (e.kind === 'start') info(`run ${e.runId}${e.resumed ? ' (resumed)' : ''}: ${e.train} train / ${e.val} val / ${e.test} test samples`);
        else if (e.kind === 'phase') info(`— ${e.phase} (${mmss(e.elapsedSeconds)} elapsed)`);
        else if (e.kind === 'trial') {
          const line = `trial ${e.seq} ${e.family} rung ${e.rung} (${e.epochs} ep): val ${pct(e.valAccuracy)}${e.cached ? ' (stored)' : ` in ${e.seconds.toFixed(1)} s`} · best ${pct(e.best)}${left(e.elapsedSeconds)}`;
          info(tty ? `\x1b[2K${line}` : line);
        } else if (e.kind === 'finalist') info(`finalist ${e.seq}: float val ${pct(e.floatValAccuracy)}, int8 val ${pct(e.int8ValAccuracy)} (${e.method})${e.fits ? '' : ' — does not fit'}`);
      };
      const summary = await forge({ spec, cost: forgeCostModel(spec.board as Board), resume: o.resume, onEvent });
      const ch = summary.chosen!;
      const line = {
        runId: summary.runId, accuracyInt8: ch.accuracyInt8, accuracyFloat: ch.accuracyFloat, sramBytes: ch.sramBytes, arenaBytes: ch.arenaBytes,
        flashBytes: ch.flashBytes, latencyMs: ch.latencyMs, fits: ch.fits, trials: summary.trials.length, exportDir: summary.exportDir,
        tflite: summary.tflitePath, report: `${summary.exportDir?.replace(/\/export$/, '')}/report.html`, usedSeconds: summary.budget.usedSeconds,
        ...(ch.anomaly ? { aucInt8: ch.anomaly.aucInt8, aucFloat: ch.anomaly.aucFloat, threshold: ch.anomaly.threshold } : {}),
        ...(ch.features ? { features: ch.features.description, featuresLatencyMs: ch.features.latencyMs } : {}),
      };
      if (o.json) printJson(line);
      else {
        if (ch.features) console.log(`features: ${ch.features.description} (SRAM ${ch.features.sramBytes} B, flash ${ch.features.flashBytes} B, ~${ch.features.latencyMs.toFixed(1)} ms, included below)`);
        if (ch.anomaly) console.log(`anomaly detection: test AUC ${ch.anomaly.aucInt8.toFixed(4)} int8 (float ${ch.anomaly.aucFloat.toFixed(4)}); threshold ${ch.anomaly.threshold.toPrecision(4)} (${ch.anomaly.how}); the accuracies below are at it`);
        console.log(`chosen: ${ch.family}, int8 test ${pct(ch.accuracyInt8)} (float ${pct(ch.accuracyFloat)}), SRAM ${ch.sramBytes} B, flash ${ch.flashBytes} B, ` +
          `~${ch.latencyMs.toFixed(1)} ms (estimate), ${ch.fits ? 'fits' : 'DOES NOT FIT'} · ${summary.trials.length} trials · ${line.report}`);
      }
    });
}
