/** Resolves a `--dataset` argument: a built-in name or a CSV file. */
import { existsSync } from 'node:fs';
import { MlforgeError } from '../errors.js';
import { closeNames } from '../util/names.js';
import { builtinNames, isBuiltin, loadBuiltin } from './builtin.js';
import { loadCsv } from './csv.js';
import type { Dataset } from './dataset.js';

export function loadDatasetArg(arg: string): Dataset {
  if (isBuiltin(arg)) return loadBuiltin(arg);
  if (arg.toLowerCase().endsWith('.csv')) {
    if (!existsSync(arg)) throw new MlforgeError('NOT_FOUND', `dataset file ${arg} does not exist`);
    return loadCsv(arg);
  }
  throw new MlforgeError('NOT_FOUND', `unknown dataset "${arg}"`,
    `built-in datasets: ${builtinNames().join(', ')} (closest: ${closeNames(arg, builtinNames(), 1)[0]}); or pass a .csv file`);
}
