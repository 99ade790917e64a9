import { join } from 'node:path';
import type { Command } from 'commander';
import { MlforgeError } from '../../errors.js';
import { nativeInt8Available } from '../../engine/int8/index.js';
import { evaluate, loadTrained } from '../../train/index.js';
import { RangeMethod, evaluateInt8, runQuantization, saveInt8Model, trainingSplits, type Int8Evaluation } from '../../quant/index.js';
import { Progress, info, parseIntArg, parseNumArg, printJson } from '../output.js';

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

export function registerQuantize(program: Command): void {
  program
    .command('quantize')
    .description('quantize a trained model to int8 (TFLite spec) and report float vs int8 test accuracy')
    .argument('<model-dir>', 'a model folder written by `mlforge train`')
    .option('--method <m>', 'activation range estimator: minmax, percentile or mse', 'minmax')
    .option('--percentile <p>', 'percentile method: upper percentile kept', '99.99')
    .option('--calibration <n>', 'calibration samples drawn from the training split', '500')
    .option('--qat', 'fine-tune with quantization-aware training after calibration')
    .option('--qat-epochs <n>', 'QAT epochs', '2')
    .option('--qat-lr <x>', 'QAT peak learning rate', '0.0001')
    .option('--per-tensor-dense', 'one weight scale per dense layer instead of one per output unit')
    .option('--dataset <name|file.csv>', 'the dataset the model was trained on (default: the one model.json records)')
    .option('--out <dir>', 'output folder (default: <model-dir>/int8)')
    .option('--json', 'print one JSON object on stdout')
    .action((dir: string, o) => {
      const method = RangeMethod.safeParse(o.method);
      if (!method.success) throw new MlforgeError('BAD_INPUT', `--method: expected minmax, percentile or mse, got "${o.method}"`);
      const percentile = parseNumArg('percentile', o.percentile);
      const calibrationSamples = parseIntArg('calibration', o.calibration);
      const qatEpochs = parseIntArg('qat-epochs', o.qatEpochs);
      const qatLr = parseNumArg('qat-lr', o.qatLr);
      const out: string = o.out ?? join(dir, 'int8');
      const say = (line: string) => { if (!o.json || process.stderr.isTTY) info(line); };

      const loaded = loadTrained(dir);
      const splits = trainingSplits(loaded.meta, o.dataset);
      const backend = nativeInt8Available() ? 'native' : 'reference';
      if (backend === 'reference') info('native int8 kernels are not built; measuring int8 accuracy with the TypeScript reference kernels');
      const float = evaluate(loaded.network, splits.test, loaded.meta.task);
      const metric = (e: { accuracy?: number; mse?: number; loss?: number }) =>
        (loaded.meta.task === 'classification' ? { accuracy: e.accuracy! } : { mse: e.mse ?? e.loss! });
      const show = (m: { accuracy?: number; mse?: number }) => (m.accuracy !== undefined ? pct(m.accuracy) : `MSE ${m.mse!.toFixed(5)}`);
      const options = { method: method.data, percentile, calibrationSamples, perChannelDense: !o.perTensorDense };

      const ptq = runQuantization(loaded, splits.train, options);
      const ptqEval: Int8Evaluation = evaluateInt8(ptq.model, splits.test, { backend });
      if (o.qat) say(`float ${show(metric(float))} · int8 PTQ (${method.data}, ${Math.min(calibrationSamples, splits.train.y.length)} calibration samples) ${show(metric(ptqEval))}`);

      let final = ptq;
      let qatEval: Int8Evaluation | undefined;
      if (o.qat) {
        const progress = new Progress();
        final = runQuantization(loaded, splits.train, { ...options, qat: { epochs: qatEpochs, lr: qatLr } }, {
          qatVal: splits.val,
          onQatEvent: (e) => {
            if (e.kind === 'step') progress.update(`QAT epoch ${e.epoch}`, e.step, e.steps, `loss ${e.loss.toFixed(4)}`);
            else {
              progress.done();
              say(`QAT epoch ${e.epoch}/${e.epochs}: loss ${e.loss.toFixed(4)}${e.valAccuracy !== undefined ? ` fake-quantized val acc ${pct(e.valAccuracy)}` : ''}`);
            }
          },
        });
        qatEval = evaluateInt8(final.model, splits.test, { backend });
      }

      const summary = {
        model: loaded.meta.model.name,
        dataset: splits.test.name.replace(/\/test$/, ''),
        testSamples: splits.test.y.length,
        method: method.data,
        ...(method.data === 'percentile' ? { percentile } : {}),
        calibrationSamples: Math.min(calibrationSamples, splits.train.y.length),
        int8Backend: backend,
        float: metric(float),
        ptq: metric(ptqEval),
        ...(qatEval ? { qat: { ...metric(qatEval), epochs: qatEpochs, lr: qatLr } } : {}),
        ops: final.model.ops.length,
        weightBytes: [...final.model.data.values()].reduce((a, d) => a + d.byteLength, 0),
        out,
      };
      const { out: _out, ...record } = summary;
      saveInt8Model(out, { model: final.model, normalization: loaded.meta.normalization, quantization: { ...record, source: dir } });
      if (o.json) printJson(summary);
      else {
        const rows = [`float ${show(summary.float)}`, `int8 ${show(summary.ptq)} (PTQ ${method.data})`];
        if (summary.qat) rows.push(`int8 ${show(summary.qat)} (QAT ${qatEpochs} epochs)`);
        console.log(`${rows.join(' · ')} on ${summary.testSamples} test samples (${backend} int8 kernels) · ${summary.ops} ops, ${summary.weightBytes.toLocaleString('en')} bytes of weights · saved to ${out}`);
      }
    });
}
