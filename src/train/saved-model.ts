/**
 * A trained float model on disk: `model.json` (architecture, task, input
 * normalization, labels, metrics) and `weights.bin` (see engine/weights.ts).
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { MlforgeError } from '../errors.js';
import { Model } from '../ir/schema.js';
import { resolveModel, type ResolvedModel } from '../ir/shapes.js';
import { Network } from '../engine/network.js';
import { selectKernels, type KernelChoice } from '../engine/backend.js';
import { decodeWeights, encodeWeights } from '../engine/weights.js';
import { VERSION } from '../version.js';

export const SavedModelMeta = z.object({
  format: z.literal('mlforge.trained'),
  version: z.literal(1),
  mlforgeVersion: z.string(),
  model: Model,
  task: z.enum(['classification', 'autoencoder']),
  /** Inputs are fed as (x - mean) / std, broadcast over the last axis. */
  normalization: z.object({ mean: z.array(z.number()), std: z.array(z.number()) }),
  labels: z.array(z.string()),
  dataset: z.string().optional(),
  metrics: z.record(z.string(), z.number()).default({}),
  training: z.record(z.string(), z.unknown()).default({}),
});
export type SavedModelMeta = z.infer<typeof SavedModelMeta>;

export function saveTrained(dir: string, net: Network, meta: Omit<SavedModelMeta, 'format' | 'version' | 'mlforgeVersion' | 'model'>): void {
  mkdirSync(dir, { recursive: true });
  const full: SavedModelMeta = { format: 'mlforge.trained', version: 1, mlforgeVersion: VERSION, model: net.model.model, ...meta };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(full, null, 2) + '\n');
  const tensors = [...net.params, ...net.state].map((t) => ({ name: t.name, shape: t.shape, data: t.data }));
  writeFileSync(join(dir, 'weights.bin'), encodeWeights(tensors));
}

export interface LoadedModel {
  readonly meta: SavedModelMeta;
  readonly resolved: ResolvedModel;
  readonly network: Network;
}

export function loadTrained(dir: string, opts: { batch?: number; kernels?: KernelChoice } = {}): LoadedModel {
  const mf = join(dir, 'model.json');
  if (!existsSync(mf)) throw new MlforgeError('NOT_FOUND', `${dir} is not a model folder (no model.json)`, 'pass the --out folder of `mlforge train`');
  let json: unknown;
  try { json = JSON.parse(readFileSync(mf, 'utf8')); } catch (e) {
    throw new MlforgeError('BAD_INPUT', `${mf}: not valid JSON (${(e as Error).message})`);
  }
  const parsed = SavedModelMeta.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new MlforgeError('BAD_INPUT', `${mf}: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  const meta = parsed.data;
  const resolved = resolveModel(meta.model, mf);
  const network = new Network(resolved, selectKernels(opts.kernels ?? 'auto'), opts.batch ?? 64);
  const wf = join(dir, 'weights.bin');
  const tensors = new Map(decodeWeights(readFileSync(wf), wf).map((t) => [t.name, t]));
  for (const p of [...network.params, ...network.state]) {
    const t = tensors.get(p.name);
    if (!t) throw new MlforgeError('BAD_FILE', `${wf}: missing tensor "${p.name}"`);
    if (t.data.length !== p.data.length || !(t.data instanceof Float32Array)) {
      throw new MlforgeError('BAD_FILE', `${wf}: tensor "${p.name}" has ${t.data.length} values, the model needs ${p.data.length} float32`);
    }
    p.data.set(t.data);
  }
  return { meta, resolved, network };
}
