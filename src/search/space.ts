/**
 * Search spaces: each family turns a small genome (plain JSON numbers) into a
 * float model graph for a given input shape and class count. Genomes are what
 * the planners sample and mutate; the IR is what gets costed and trained.
 *
 * Families: plain CNN, DS-CNN, MobileNetV2-style inverted residuals (width,
 * kernel, expansion, depth per stage), 1-D CNN for [L, C] inputs, MLP.
 */
import type { Layer, ModelInput } from '../ir/schema.js';
import { Rng } from '../util/random.js';

export type Family = 'cnn' | 'ds-cnn' | 'mobilenet-v2' | 'cnn1d' | 'mlp';
export const FAMILIES: readonly Family[] = ['cnn', 'ds-cnn', 'mobilenet-v2', 'cnn1d', 'mlp'];

export interface Genome {
  readonly family: Family;
  /** Family-specific integer genes; see each builder. */
  readonly genes: Readonly<Record<string, number | readonly number[]>>;
}

export interface Problem {
  readonly inputShape: readonly number[];
  /**
   * One input shape per feature-extraction choice, when the DSP block is
   * searched with the network: every genome then carries a `dsp` gene (an
   * index here) and the model is built for that shape. All choices have the
   * same rank, so the families that fit do not depend on the gene.
   */
  readonly inputShapes?: readonly (readonly number[])[];
  readonly classes: number;
  /** 'classification' ends in softmax; 'autoencoder' reconstructs the input (MLP family only). */
  readonly task: 'classification' | 'autoencoder';
}

type L = Layer | (Record<string, unknown> & { name: string; type: string });

const CHOICES = {
  width: [4, 8, 12, 16, 24, 32, 48, 64, 96, 128],
  kernel: [3, 5],
  expansion: [1, 2, 3, 4, 6],
  units: [8, 16, 32, 64, 128, 256],
};

const pick = <T>(rng: Rng, a: readonly T[]) => a[rng.int(a.length)]!;

/** Families that can take this input (images/spectrograms, sequences, vectors). */
export function familiesFor(p: Problem): Family[] {
  if (p.task === 'autoencoder') return ['mlp'];
  if (p.inputShape.length === 3) return ['cnn', 'ds-cnn', 'mobilenet-v2', 'mlp'];
  if (p.inputShape.length === 2) return ['cnn1d', 'mlp'];
  return ['mlp'];
}

/** The feature block a genome chose (0 without a `dsp` gene). */
export const dspChoice = (g: Genome): number => (typeof g.genes.dsp === 'number' ? g.genes.dsp : 0);

/** The input shape a genome's model takes (its `dsp` choice, if any). */
export function inputShapeOf(g: Genome, p: Problem): readonly number[] {
  return p.inputShapes?.[dspChoice(g)] ?? p.inputShape;
}

export function randomGenome(rng: Rng, family: Family, p: Problem): Genome {
  const g = familyGenome(rng, family, p);
  const choices = p.inputShapes?.length ?? 0;
  return choices > 1 ? { family, genes: { ...g.genes, dsp: rng.int(choices) } } : g;
}

function familyGenome(rng: Rng, family: Family, p: Problem): Genome {
  switch (family) {
    case 'cnn': {
      const stages = 1 + rng.int(3);
      return { family, genes: {
        widths: Array.from({ length: stages }, () => pick(rng, CHOICES.width.slice(1, 8))),
        convs: Array.from({ length: stages }, () => 1 + rng.int(2)),
        kernel: pick(rng, CHOICES.kernel), head: rng.int(2), dropout: rng.int(3),
      } };
    }
    case 'ds-cnn':
      return { family, genes: {
        stem: pick(rng, CHOICES.width.slice(2, 9)), stemKernel: pick(rng, [3, 5]), stemStride: 1 + rng.int(2),
        blocks: 1 + rng.int(5), width: pick(rng, CHOICES.width.slice(2, 9)), stride2At: rng.int(3),
      } };
    case 'mobilenet-v2': {
      const stages = 2 + rng.int(3);
      return { family, genes: {
        stem: pick(rng, [4, 8, 16]), stemStride: 1 + rng.int(2),
        widths: Array.from({ length: stages }, (_, i) => pick(rng, CHOICES.width.slice(1 + i, 6 + i))),
        depths: Array.from({ length: stages }, () => 1 + rng.int(3)),
        expansion: pick(rng, CHOICES.expansion), kernel: pick(rng, CHOICES.kernel),
      } };
    }
    case 'cnn1d': {
      const stages = 1 + rng.int(4);
      return { family, genes: {
        widths: Array.from({ length: stages }, () => pick(rng, CHOICES.width.slice(1, 8))),
        kernel: pick(rng, [3, 5, 7]), pool: rng.int(2),
      } };
    }
    case 'mlp': {
      const depth = 1 + rng.int(3);
      return { family, genes: {
        units: Array.from({ length: depth }, () => pick(rng, CHOICES.units)),
        bottleneck: pick(rng, [4, 8, 16]), dropout: rng.int(3),
      } };
    }
  }
}

/** A nearby genome: one gene changed (lists may also grow or shrink by one). */
export function mutate(rng: Rng, g: Genome, p: Problem): Genome {
  const fresh = randomGenome(rng, g.family, p).genes;
  const keys = Object.keys(g.genes);
  const key = keys[rng.int(keys.length)]!;
  const cur = g.genes[key]!;
  const next = fresh[key]!;
  let value: number | readonly number[];
  if (Array.isArray(cur)) {
    const arr = [...(cur as number[])];
    const f = next as readonly number[];
    const r = rng.int(3);
    if (r === 0 && arr.length > 1) arr.pop();
    else if (r === 1 && arr.length < 5) arr.push(f[f.length - 1] ?? arr[arr.length - 1]!);
    else arr[rng.int(arr.length)] = f[rng.int(f.length)]!;
    value = arr;
  } else value = next;
  const genes: Record<string, number | readonly number[]> = { ...g.genes, [key]: value };
  // Keep paired lists (per-stage genes) the same length.
  const lists = Object.entries(genes).filter(([, v]) => Array.isArray(v)) as [string, number[]][];
  if (lists.length > 1 && Array.isArray(value)) {
    for (const [k, v] of lists) {
      if (k === key) continue;
      const a = [...v];
      while (a.length < value.length) a.push(a[a.length - 1]!);
      genes[k] = a.slice(0, value.length);
    }
  }
  return { family: g.family, genes };
}

const conv = (name: string, filters: number, kernel: number, stride = 1): L[] => [
  { name, type: 'conv2d', filters, kernel, stride, padding: 'same', useBias: false },
  { name: `${name}_bn`, type: 'batch_norm' },
  { name: `${name}_relu`, type: 'relu' },
];

const head = (layers: L[], p: Problem, dropout = 0) => {
  if (dropout > 0) layers.push({ name: 'drop', type: 'dropout', rate: dropout });
  layers.push({ name: 'fc', type: 'dense', units: p.classes }, { name: 'softmax', type: 'softmax' });
};

const arr = (v: number | readonly number[] | undefined) => (Array.isArray(v) ? (v as number[]) : [v as number]);
const num = (v: number | readonly number[] | undefined) => v as number;

/** Builds the model graph; spatial downsampling stops at 2×2 so any input size works. */
export function buildModel(g: Genome, p: Problem, name = 'candidate'): ModelInput {
  const layers: L[] = [];
  const G = g.genes;
  const shape = inputShapeOf(g, p);
  let [h, w] = [shape[0] ?? 1, shape[1] ?? 1];
  const canHalve = () => h >= 4 && w >= 4;
  const halve = () => { h = Math.ceil(h / 2); w = Math.ceil(w / 2); };
  switch (g.family) {
    case 'cnn': {
      const widths = arr(G.widths);
      widths.forEach((f, s) => {
        for (let c = 0; c < (arr(G.convs)[s] ?? 1); c++) layers.push(...conv(`s${s}c${c}`, f, num(G.kernel)));
        if (canHalve()) { layers.push({ name: `s${s}pool`, type: 'max_pool', pool: 2, padding: 'same' }); halve(); }
      });
      layers.push(num(G.head) === 0 ? { name: 'gap', type: 'global_avg_pool' } : { name: 'flatten', type: 'flatten' });
      head(layers, p, [0, 0.1, 0.25][num(G.dropout)]!);
      break;
    }
    case 'ds-cnn': {
      const stride = canHalve() ? num(G.stemStride) : 1;
      layers.push(...conv('stem', num(G.stem), num(G.stemKernel), stride));
      if (stride === 2) halve();
      for (let b = 0; b < num(G.blocks); b++) {
        const s = b === num(G.stride2At) && b > 0 && canHalve() ? 2 : 1;
        if (s === 2) halve();
        layers.push(
          { name: `b${b}_dw`, type: 'depthwise_conv2d', kernel: 3, stride: s, padding: 'same', useBias: false },
          { name: `b${b}_dw_bn`, type: 'batch_norm' }, { name: `b${b}_dw_relu`, type: 'relu' },
          ...conv(`b${b}_pw`, num(G.width), 1),
        );
      }
      layers.push({ name: 'gap', type: 'global_avg_pool' });
      head(layers, p);
      break;
    }
    case 'mobilenet-v2': {
      const stride = canHalve() ? num(G.stemStride) : 1;
      layers.push(...conv('stem', num(G.stem), 3, stride).map((l) => (l.type === 'relu' ? { ...l, type: 'relu6' } : l)));
      if (stride === 2) halve();
      let cin = num(G.stem);
      let prev = 'stem_relu';
      arr(G.widths).forEach((cout, s) => {
        for (let d = 0; d < (arr(G.depths)[s] ?? 1); d++) {
          const st = d === 0 && s > 0 && canHalve() ? 2 : 1;
          if (st === 2) halve();
          const n = `s${s}b${d}`;
          const hidden = cin * num(G.expansion);
          const first: L[] = num(G.expansion) > 1 ? [
            { name: `${n}_expand`, type: 'conv2d', filters: hidden, kernel: 1, useBias: false, inputs: [prev] },
            { name: `${n}_expand_bn`, type: 'batch_norm' }, { name: `${n}_expand_relu`, type: 'relu6' },
          ] : [];
          layers.push(...first,
            { name: `${n}_dw`, type: 'depthwise_conv2d', kernel: num(G.kernel), stride: st, useBias: false, ...(first.length ? {} : { inputs: [prev] }) },
            { name: `${n}_dw_bn`, type: 'batch_norm' }, { name: `${n}_dw_relu`, type: 'relu6' },
            { name: `${n}_project`, type: 'conv2d', filters: cout, kernel: 1, useBias: false },
            { name: `${n}_project_bn`, type: 'batch_norm' });
          if (st === 1 && cin === cout) {
            layers.push({ name: `${n}_add`, type: 'add', inputs: [prev, `${n}_project_bn`] });
            prev = `${n}_add`;
          } else prev = `${n}_project_bn`;
          cin = cout;
        }
      });
      layers.push({ name: 'gap', type: 'global_avg_pool' });
      head(layers, p);
      break;
    }
    case 'cnn1d': {
      let len = shape[0]!;
      arr(G.widths).forEach((f, s) => {
        layers.push(
          { name: `c${s}`, type: 'conv1d', filters: f, kernel: num(G.kernel), stride: num(G.pool) === 0 && len >= 8 ? 2 : 1, padding: 'same', useBias: false },
          { name: `c${s}_bn`, type: 'batch_norm' }, { name: `c${s}_relu`, type: 'relu' },
        );
        if (num(G.pool) === 0 && len >= 8) len = Math.ceil(len / 2);
      });
      layers.push({ name: 'flatten', type: 'flatten' });
      head(layers, p);
      break;
    }
    case 'mlp': {
      layers.push({ name: 'flatten', type: 'flatten' });
      const units = arr(G.units);
      const dense = (n: string, u: number) => layers.push(
        { name: n, type: 'dense', units: u }, { name: `${n}_bn`, type: 'batch_norm' }, { name: `${n}_relu`, type: 'relu' });
      units.forEach((u, i) => dense(`fc${i}`, u));
      if (p.task === 'autoencoder') {
        dense('bottleneck', num(G.bottleneck));
        [...units].reverse().forEach((u, i) => dense(`dec${i}`, u));
        layers.push({ name: 'out', type: 'dense', units: shape.reduce((a, b) => a * b, 1) });
        if (shape.length > 1) layers.push({ name: 'unflatten', type: 'reshape', shape: [...shape] });
      } else head(layers, p, [0, 0.1, 0.25][num(G.dropout)]!);
      break;
    }
  }
  return { name, input: { shape: [...shape] }, layers: layers as Layer[] };
}

/** A stable identity for deduplication: canonical JSON of the genome. */
export function genomeKey(g: Genome): string {
  const genes = Object.keys(g.genes).sort().map((k) => [k, g.genes[k]]);
  return JSON.stringify([g.family, genes]);
}
