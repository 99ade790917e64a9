/** `mlforge data`: make the synthetic datasets and report a dataset's health. */
import type { Command } from 'commander';
import { MlforgeError } from '../../errors.js';
import { listLabelledFiles } from '../../data/folder.js';
import { datasetHealth, formatHealth, type HealthItem } from '../../data/health.js';
import { loadSeriesCsv } from '../../data/series.js';
import { readWav } from '../../data/wav.js';
import { synthKws, KWS_DEFAULT_PER_WORD } from '../../data/synth/kws.js';
import { bearingFrequencies, BEARING_6205 } from '../../data/synth/machine.js';
import { synthVibration } from '../../data/synth/vibration.js';
import { Progress, info, parseIntArg, parseNumArg, printJson } from '../output.js';

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

function parseSeed(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 32 - 1) throw new MlforgeError('BAD_INPUT', `--seed: expected an integer in 0..4294967295, got "${v}"`);
  return n;
}

export function registerData(program: Command): void {
  const data = program.command('data').description('datasets: synthesise keyword-spotting and vibration sets, check a dataset\'s health');

  data
    .command('synth-kws')
    .description('synthesise a keyword-spotting set with espeak-ng: 10 keywords + unknown + silence, 1 s at 16 kHz, held-out test voices (cached by its settings)')
    .option('--out <dir>', 'output folder (default: ~/.cache/mlforge/synth-kws-<hash>)')
    .option('--seed <n>', 'random seed', '1')
    .option('--per-word <n>', 'clips per class', String(KWS_DEFAULT_PER_WORD))
    .option('--concurrency <n>', 'espeak-ng processes at once', '2')
    .option('--json', 'print one JSON object on stdout')
    .action(async (o: { out?: string; seed: string; perWord: string; concurrency: string; json?: boolean }) => {
      const progress = new Progress();
      const t0 = Date.now();
      const r = await synthKws({
        out: o.out, seed: parseSeed(o.seed), perWord: parseIntArg('per-word', o.perWord), concurrency: parseIntArg('concurrency', o.concurrency),
        onProgress: (d, n) => progress.update('synth-kws', d, n, `${((Date.now() - t0) / 1000).toFixed(0)} s`),
      });
      progress.done();
      if (o.json) return printJson(r);
      const per = r.classes[0]!;
      console.log(r.cached
        ? `${r.out}: already made with these settings (${r.clips} clips; generated in ${r.seconds} s) — nothing to do`
        : `${r.out}: ${r.clips} clips in ${r.seconds} s, ${mb(r.bytes)}`);
      console.log(`  ${r.classes.length} classes (${r.classes.map((c) => c.label).join(', ')}), ${per.train + per.test} clips each, 1 s at ${r.sampleRate} Hz`);
      console.log(`  voices: ${r.voices.train.length} train, ${r.voices.test.length} test-only (${r.voices.test.join(', ')})`);
      console.log(`  split: ${r.classes.reduce((n, c) => n + c.train, 0)} train / ${r.classes.reduce((n, c) => n + c.test, 0)} test clips; manifest ${r.manifest}`);
    });

  data
    .command('synth-vibration')
    .description('simulate 3-axis accelerometer recordings of a rotating machine: normal for training, faults for testing, unseen operating conditions in the test set')
    .option('--out <dir>', 'output folder (default: ~/.cache/mlforge/synth-vibration-<hash>)')
    .option('--seed <n>', 'random seed', '1')
    .option('--seconds <s>', 'seconds per recording', '6')
    .option('--rate <hz>', 'sample rate', '1000')
    .option('--machines <n>', 'machines (each with its own constants)', '4')
    .option('--json', 'print one JSON object on stdout')
    .action(async (o: { out?: string; seed: string; seconds: string; rate: string; machines: string; json?: boolean }) => {
      const progress = new Progress();
      const r = await synthVibration({
        out: o.out, seed: parseSeed(o.seed), seconds: parseNumArg('seconds', o.seconds), sampleRate: parseIntArg('rate', o.rate), machines: parseIntArg('machines', o.machines),
        onProgress: (d, n) => progress.update('synth-vibration', d, n),
      });
      progress.done();
      if (o.json) return printJson(r);
      console.log(r.cached
        ? `${r.out}: already made with these settings (${r.recordings} recordings) — nothing to do`
        : `${r.out}: ${r.recordings} recordings (${r.rows} rows at ${r.sampleRate} Hz) in ${r.seconds} s, ${mb(r.bytes)}`);
      for (const split of ['train', 'val', 'test']) {
        console.log(`  ${split.padEnd(5)} ${r.splits.filter((s) => s.split === split).map((s) => `${s.label} ${s.recordings}`).join(', ')}`);
      }
      console.log(`  conditions: train ${r.conditions.train.join(' ')}; test (unseen) ${r.conditions.test.join(' ')}`);
      const b = bearingFrequencies(BEARING_6205, 1);
      console.log(`  bearing ${BEARING_6205.name}: BPFO ${b.bpfo.toFixed(3)}×, BPFI ${b.bpfi.toFixed(3)}×, BSF ${b.bsf.toFixed(3)}×, FTF ${b.ftf.toFixed(3)}× shaft rate`);
      console.log(`  manifest ${r.manifest}`);
    });

  data
    .command('health')
    .description('dataset health: class balance, sample rates, clipping, NaN/Inf, too-short items, duplicates')
    .argument('<path>', 'class folders or a manifest CSV (file,label[,group])')
    .option('--kind <kind>', 'audio (WAV) or series (CSV)', 'audio')
    .option('--rate <hz>', 'the sample rate features expect (others are flagged)')
    .option('--min-seconds <s>', 'list items shorter than this')
    .option('--json', 'print the report as JSON')
    .action((path: string, o: { kind: string; rate?: string; minSeconds?: string; json?: boolean }) => {
      if (o.kind !== 'audio' && o.kind !== 'series') throw new MlforgeError('BAD_INPUT', `--kind: expected audio or series, got "${o.kind}"`);
      const listing = listLabelledFiles(path, o.kind === 'audio' ? '.wav' : '.csv');
      const progress = new Progress();
      const files = listing.files;
      function* items(): Generator<HealthItem> {
        for (const [i, f] of files.entries()) {
          progress.update('health', i, files.length);
          if (o.kind === 'audio') {
            const w = readWav(f.path);
            yield { name: f.name, label: f.label, sampleRate: w.sampleRate, values: w.samples, clipped: w.clipped / w.channels };
          } else {
            const s = loadSeriesCsv(f.path);
            yield { name: f.name, label: f.label, sampleRate: s.sampleRate || undefined, values: s.values, channels: s.axes.length };
          }
        }
      }
      const report = datasetHealth(items(), {
        kind: o.kind,
        expectedRate: o.rate === undefined ? undefined : parseNumArg('rate', o.rate),
        minSeconds: o.minSeconds === undefined ? undefined : parseNumArg('min-seconds', o.minSeconds),
      });
      progress.done();
      if (o.json) return printJson({ path, source: listing.source, ...report });
      info(`${path} (${listing.source === 'manifest' ? `manifest ${listing.root}` : 'class folders'})`);
      console.log(formatHealth(report));
    });
}
