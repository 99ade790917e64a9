/**
 * Which kernel sources an export needs, and where the one kernel source tree
 * (`native/kernels/`) is: the nearest folder above this file whose
 * package.json is named "mlforge" (works from src/ under tsx and from dist/).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MlforgeError } from '../errors.js';
import type { PreparedOp } from '../engine/int8/index.js';

const SOURCE_OF: Readonly<Record<PreparedOp['kind'], string | null>> = {
  conv2d: 'conv2d_s8.c',
  depthwise_conv2d: 'depthwise_conv2d_s8.c',
  fully_connected: 'fully_connected_s8.c',
  add: 'add_s8.c',
  avg_pool: 'pool_s8.c',
  max_pool: 'pool_s8.c',
  mean: 'mean_s8.c',
  softmax: 'softmax_s8.c',
  pad: 'pad_s8.c',
  concatenation: 'concat_s8.c',
  quantize: 'quantize.c',
  dequantize: 'quantize.c',
  requantize: 'quantize.c',
  logistic: 'logistic_s8.c',
  tanh: 'tanh_s8.c',
  reshape: null,
};

/** Kernel .c files for these ops, sorted; quantize.c always (model.h's quantize helpers use it). */
export function kernelSourcesFor(ops: readonly PreparedOp[]): string[] {
  const files = new Set<string>(['quantize.c']);
  for (const op of ops) {
    const f = SOURCE_OF[op.kind];
    if (f) files.add(f);
  }
  return [...files].sort();
}

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'mlforge') return (root = dir);
      } catch {
        // not ours; keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new MlforgeError('INTERNAL', `expected an mlforge package.json above ${fileURLToPath(import.meta.url)}, found none`);
    dir = parent;
  }
}

/** The int8 kernel source folder (checked to exist). */
export function kernelsDir(dir?: string): string {
  const d = dir ?? path.join(packageRoot(), 'native', 'kernels');
  if (!existsSync(path.join(d, 'mlforge_kernels.h'))) {
    throw new MlforgeError('NOT_FOUND', `expected the int8 kernel sources (mlforge_kernels.h) in ${d}, found none`,
      'reinstall mlforge; the package ships native/kernels');
  }
  return d;
}

/** Every header of the kernel tree (the kernels include each other's headers). */
export function kernelHeaders(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.h')).sort();
}
