/**
 * The native float32 training kernels (`native/train`, addon `mlforge_train`)
 * behind the `TrainKernels` interface. This file only loads the addon and
 * adapts argument order; the kernels themselves are C++ (blocked AVX-512/AVX2
 * SGEMM, direct convolutions for small channel counts, a thread pool over the
 * cores) and are pinned to the reference twins by test/engine/native.test.ts
 * and test/engine/conv2d_direct.test.ts.
 *
 * `nativeKernels` is null when the addon is not built; `nativeLoadError` says why.
 * The addon checks buffer lengths against the shape and throws a TypeError /
 * RangeError naming the argument; shapes themselves are the executor's job.
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConvShape, DepthwiseShape, F32, PoolShape, TrainKernels } from './types.js';

type Fn = (...args: unknown[]) => unknown;
type Addon = Record<string, Fn>;

/** The package root: the nearest ancestor holding the mlforge package.json (works from src/ and dist/). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'mlforge') return dir;
      } catch {
        // not ours; keep walking up
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the mlforge package root above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

function load(): { addon: Addon | null; error: string | null; path: string | null } {
  let path: string | null = null;
  try {
    path = join(packageRoot(), 'build', 'Release', 'mlforge_train.node');
    if (!existsSync(path)) {
      return { addon: null, path, error: `native training kernels not built: ${path} is missing (run \`npm run build\`)` };
    }
    const require = createRequire(import.meta.url);
    return { addon: require(path) as Addon, error: null, path };
  } catch (e) {
    return { addon: null, path, error: `cannot load native training kernels${path ? ` from ${path}` : ''}: ${(e as Error).message}` };
  }
}

const loaded = load();

/** Why the native kernels are unavailable, or null when they loaded. */
export const nativeLoadError: string | null = loaded.error;
/** Absolute path of the addon file that was (or would have been) loaded. */
export const nativeAddonPath: string | null = loaded.path;

const conv = (s: ConvShape) => [s.n, s.h, s.w, s.cin, s.kh, s.kw, s.cout, s.strideH, s.strideW, s.padTop, s.padLeft, s.outH, s.outW];
const dw = (s: DepthwiseShape) => [s.n, s.h, s.w, s.c, s.multiplier, s.kh, s.kw, s.strideH, s.strideW, s.padTop, s.padLeft, s.outH, s.outW];
const pool = (s: PoolShape) => [s.n, s.h, s.w, s.c, s.kh, s.kw, s.strideH, s.strideW, s.padTop, s.padLeft, s.outH, s.outW];

function bind(a: Addon): TrainKernels {
  return {
    name: 'native',
    conv2dForward: (s, x, w, b, y) => void a.conv2dForward(...conv(s), x, w, b, y),
    conv2dBackward: (s, x, w, dy, dx, dw_, db) => void a.conv2dBackward(...conv(s), x, w, dy, dx, dw_, db),
    depthwiseForward: (s, x, w, b, y) => void a.depthwiseForward(...dw(s), x, w, b, y),
    depthwiseBackward: (s, x, w, dy, dx, dw_, db) => void a.depthwiseBackward(...dw(s), x, w, dy, dx, dw_, db),
    denseForward: (s, x, w, b, y) => void a.denseForward(s.n, s.inF, s.outF, x, w, b, y),
    denseBackward: (s, x, w, dy, dx, dw_, db) => void a.denseBackward(s.n, s.inF, s.outF, x, w, dy, dx, dw_, db),
    batchNormTrain: (s, x, gamma, beta, y, saveMean, saveInvStd, runMean, runVar, momentum) =>
      void a.batchNormTrain(s.rows, s.c, s.eps, x, gamma, beta, y, saveMean, saveInvStd, runMean, runVar, momentum),
    batchNormInfer: (s, x, gamma, beta, runMean, runVar, y) =>
      void a.batchNormInfer(s.rows, s.c, s.eps, x, gamma, beta, runMean, runVar, y),
    batchNormBackward: (s, x, gamma, dy, saveMean, saveInvStd, dx, dgamma, dbeta) =>
      void a.batchNormBackward(s.rows, s.c, x, gamma, dy, saveMean, saveInvStd, dx, dgamma, dbeta),
    reluForward: (x, y, cap) => void a.reluForward(x, y, cap),
    reluBackward: (y, dy, dx, cap) => void a.reluBackward(y, dy, dx, cap),
    addForward: (x, y, out) => void a.addForward(x, y, out),
    avgPoolForward: (s, x, y) => void a.avgPoolForward(...pool(s), x, y),
    avgPoolBackward: (s, dy, dx) => void a.avgPoolBackward(...pool(s), dy, dx),
    maxPoolForward: (s, x, y) => void a.maxPoolForward(...pool(s), x, y),
    maxPoolBackward: (s, x, dy, dx) => void a.maxPoolBackward(...pool(s), x, dy, dx),
    globalAvgPoolForward: (n, hw, c, x, y) => void a.globalAvgPoolForward(n, hw, c, x, y),
    globalAvgPoolBackward: (n, hw, c, dy, dx) => void a.globalAvgPoolBackward(n, hw, c, dy, dx),
    dropoutForward: (x, y, mask, rate, seed) => void a.dropoutForward(x, y, mask, rate, seed),
    dropoutBackward: (dy, mask, dx) => void a.dropoutBackward(dy, mask, dx),
    softmaxCrossEntropy: (n, k, logits, labels, smoothing, probs, dlogits) =>
      a.softmaxCrossEntropy(n, k, logits, labels, smoothing, probs, dlogits) as number,
    mse: (pred, target, dpred) => a.mse(pred, target, dpred) as number,
    softmax: (n, k, x, y) => void a.softmax(n, k, x, y),
    adamStep: (p, g, m, v, lr, beta1, beta2, eps, wd, t, decoupled) =>
      void a.adamStep(p, g, m, v, lr, beta1, beta2, eps, wd, t, decoupled),
    sgdStep: (p, g, v, lr, momentum, wd, nesterov) => void a.sgdStep(p, g, v, lr, momentum, wd, nesterov),
    sumSquares: (x: F32) => a.sumSquares(x) as number,
    scale: (x, s) => void a.scale(x, s),
    accumulate: (x, y) => void a.accumulate(x, y),
  };
}

/** The native kernels, or null when the addon is missing (see `nativeLoadError`). */
export const nativeKernels: TrainKernels | null = loaded.addon ? bind(loaded.addon) : null;

/**
 * Sets the number of kernel threads (OpenMP) and returns the count in force;
 * without an argument just returns it. Null when the addon is missing.
 */
export function nativeThreads(n?: number): number | null {
  if (!loaded.addon) return null;
  return (n === undefined ? loaded.addon.threads() : loaded.addon.threads(n)) as number;
}

/** The SIMD level the addon was compiled for ('avx512' | 'avx2' | 'scalar'), or null. */
export const nativeSimd: string | null = loaded.addon ? (loaded.addon.simd() as string) : null;
