/**
 * The chosen model's one look at the test split: accuracy (and confusion) for
 * classification; for anomaly detection the ROC AUC of the reconstruction
 * errors and the accuracy of the device's decision at the exported threshold.
 */
import type { Network } from '../engine/network.js';
import type { Int8Model } from '../ir/int8.js';
import type { Dataset } from '../data/dataset.js';
import { evaluate } from '../train/evaluate.js';
import { evaluateInt8 } from '../quant/index.js';
import { balancedAccuracy, chooseThreshold, confusionOf, rocAuc, type Threshold } from '../train/metrics.js';
import type { ForgeSummary } from './summary.js';

type Chosen = NonNullable<ForgeSummary['chosen']>;

/** The anomaly threshold of an int8 autoencoder, chosen on its validation scores (as the device computes them). */
export const int8Threshold = (model: Int8Model, val: Dataset): Threshold => chooseThreshold(evaluateInt8(model, val).perSample, val.y);

export interface TestScores {
  readonly accuracyFloat: number;
  readonly accuracyInt8: number;
  readonly confusion?: Chosen['confusion'];
  readonly anomaly?: Chosen['anomaly'];
}

export function scoreOnTest(network: Network, model: Int8Model, test: Dataset, task: 'classification' | 'autoencoder', classes: number, threshold?: Threshold): TestScores {
  const floatTest = evaluate(network, test, task);
  const int8Test = evaluateInt8(model, test);
  if (task === 'classification') {
    return { accuracyFloat: floatTest.accuracy!, accuracyInt8: int8Test.accuracy!, confusion: confusionOf(test.y, int8Test.perSample, classes) };
  }
  if (!threshold) return { accuracyFloat: -floatTest.loss, accuracyInt8: -(int8Test.mse ?? Infinity) };
  // Accuracy of the decision the device makes (score > threshold), for the float and the int8 scores.
  const t = threshold.threshold;
  const int8 = balancedAccuracy(int8Test.perSample, test.y, t);
  return {
    accuracyFloat: balancedAccuracy(floatTest.perSample, test.y, t).accuracy,
    accuracyInt8: int8.accuracy,
    anomaly: {
      aucFloat: rocAuc(floatTest.perSample, test.y), aucInt8: rocAuc(int8Test.perSample, test.y), threshold: t, how: threshold.how,
      valBalancedAccuracy: Number.isNaN(threshold.balancedAccuracy) ? null : threshold.balancedAccuracy,
      testBalancedAccuracy: int8.balanced,
    },
  };
}
