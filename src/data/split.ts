/**
 * Seeded stratified train/validation/test split. With groups, whole groups go to
 * one split (assigned per class by the group's majority label) so nothing leaks.
 */
import { MlforgeError } from '../errors.js';
import { Rng } from '../util/random.js';
import { subset, type Dataset } from './dataset.js';

export interface Splits {
  readonly train: Dataset;
  readonly val: Dataset;
  readonly test: Dataset;
}

export interface SplitOptions {
  readonly val: number;
  readonly test: number;
  readonly seed: number;
}

export function stratifiedSplit(d: Dataset, o: SplitOptions): Splits {
  if (o.val < 0 || o.test <= 0 || o.val + o.test >= 1) {
    throw new MlforgeError('BAD_INPUT', `split fractions val=${o.val} test=${o.test} must be ≥ 0, > 0 and sum below 1`);
  }
  const rng = new Rng(o.seed);
  const parts: [number[], number[], number[]] = [[], [], []];
  // Units are single samples, or whole groups when the dataset has them.
  const units = new Map<number, number[]>();
  for (let i = 0; i < d.y.length; i++) {
    const key = d.groups ? d.groups[i]! : i;
    let u = units.get(key);
    if (!u) units.set(key, (u = []));
    u.push(i);
  }
  const byClass = new Map<number, number[][]>();
  for (const members of units.values()) {
    const c = d.y[members[0]!]!;
    let list = byClass.get(c);
    if (!list) byClass.set(c, (list = []));
    list.push(members);
  }
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const list = byClass.get(c)!;
    rng.shuffle(list);
    const nTest = Math.max(1, Math.round(list.length * o.test));
    const nVal = o.val > 0 ? Math.max(1, Math.round(list.length * o.val)) : 0;
    list.forEach((members, i) => parts[i < nTest ? 2 : i < nTest + nVal ? 1 : 0].push(...members));
  }
  for (const p of parts) p.sort((a, b) => a - b);
  if (parts[0].length === 0) throw new MlforgeError('BAD_INPUT', `${d.name}: too few samples (${d.y.length}) to split`);
  return { train: subset(d, parts[0], `${d.name}/train`), val: subset(d, parts[1], `${d.name}/val`), test: subset(d, parts[2], `${d.name}/test`) };
}
