/**
 * Native training-kernel micro-benchmarks (`npx tsx bench/kernels.ts [--gemm] [--profile MODEL,..] [--batch N]`).
 *
 * --gemm     GFLOP/s of the conv and dense shapes that dominate the MLPerf Tiny models
 *            (small-channel 3×3 convs run the direct kernels, wider ones an implicit-im2col
 *            GEMM, 1×1 convs and dense a plain GEMM); --batch sets the conv batch (default 32).
 * --profile  one training step of a preset through the executor (`Network`) with every
 *            kernel call timed: where the time goes, per kernel and per layer shape.
 * Kernel calls are recorded during one step and replayed one by one: each call's time
 * is the best of several repetitions, so the numbers hold up on a busy machine.
 */
import { nativeKernels, nativeLoadError, nativeThreads } from '../src/engine/kernels/native.js';
import type { ConvShape, TrainKernels } from '../src/engine/kernels/types.js';
import { findPreset, resolveModel } from '../src/ir/index.js';
import { Network } from '../src/engine/network.js';

const argv = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] && !argv[i + 1]!.startsWith('--') ? argv[i + 1]! : def;
};
if (!nativeKernels) {
  console.error(nativeLoadError);
  process.exit(1);
}
const k = nativeKernels;
const rand = (n: number) => Float32Array.from({ length: n }, () => Math.random() * 2 - 1);

/** Best seconds per call over `reps` repetitions of `n` calls. */
function best(fn: () => void, n: number, reps = 7): number {
  fn();
  let b = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    b = Math.min(b, (performance.now() - t0) / 1000 / n);
  }
  return b;
}

function conv(n: number, h: number, w: number, cin: number, kk: number, cout: number, stride = 1): ConvShape {
  const outH = Math.ceil(h / stride), outW = Math.ceil(w / stride);
  const pt = Math.floor(Math.max((outH - 1) * stride + kk - h, 0) / 2), pl = Math.floor(Math.max((outW - 1) * stride + kk - w, 0) / 2);
  return { n, h, w, cin, kh: kk, kw: kk, cout, strideH: stride, strideW: stride, padTop: pt, padLeft: pl, outH, outW };
}

function gemmBench(b: number): void {
  const cases: [string, ConvShape][] = [
    ['resnet8 3x3 3→16 32×32', conv(b, 32, 32, 3, 3, 16)],
    ['resnet8 3x3 16→16 32×32', conv(b, 32, 32, 16, 3, 16)],
    ['resnet8 3x3/2 16→32 32×32', conv(b, 32, 32, 16, 3, 32, 2)],
    ['resnet8 3x3 32→32 16×16', conv(b, 16, 16, 32, 3, 32)],
    ['resnet8 3x3/2 32→64 16×16', conv(b, 16, 16, 32, 3, 64, 2)],
    ['resnet8 3x3 64→64 8×8', conv(b, 8, 8, 64, 3, 64)],
    ['ds-cnn 1x1 64→64 25×5', conv(b, 25, 5, 64, 1, 64)],
    ['mbnet 1x1 32→64 12×12', conv(b, 12, 12, 32, 1, 64)],
    ['mbnet 1x1 128→128 6×6', conv(b, 6, 6, 128, 1, 128)],
    ['mbnet 1x1 256→256 3×3', conv(b, 3, 3, 256, 1, 256)],
  ];
  const th = nativeThreads() ?? 1;
  console.log(`conv and dense kernels, conv batch ${b}, ${th} threads (GFLOP/s: forward | backward dx+dw)`);
  for (const [name, s] of cases) {
    const x = rand(s.n * s.h * s.w * s.cin), w = rand(s.kh * s.kw * s.cin * s.cout), y = new Float32Array(s.n * s.outH * s.outW * s.cout);
    const dx = new Float32Array(x.length), dw = new Float32Array(w.length), db = new Float32Array(s.cout);
    const flops = 2 * s.n * s.outH * s.outW * s.cout * s.kh * s.kw * s.cin;
    const tf = best(() => k.conv2dForward(s, x, w, null, y), 20);
    const tb = best(() => k.conv2dBackward(s, x, w, y, dx, dw, db), 10);
    console.log(`  ${name.padEnd(28)} M=${s.n * s.outH * s.outW} N=${s.cout} K=${s.kh * s.kw * s.cin}: ${(flops / tf / 1e9).toFixed(0).padStart(4)} | ${(2 * flops / tb / 1e9).toFixed(0).padStart(4)}`);
  }
  for (const [n, i, o] of [[32, 640, 128], [128, 640, 128], [32, 128, 640], [32, 128, 128]] as const) {
    const x = rand(n * i), w = rand(i * o), y = new Float32Array(n * o), dx = new Float32Array(n * i), dw = new Float32Array(i * o), db = new Float32Array(o);
    const s = { n, inF: i, outF: o };
    const tf = best(() => k.denseForward(s, x, w, null, y), 50);
    const tb = best(() => k.denseBackward(s, x, w, y, dx, dw, db), 50);
    console.log(`  dense ${n}×${i}→${o}`.padEnd(30) + ` : ${(2 * n * i * o / tf / 1e9).toFixed(0).padStart(4)} | ${(4 * n * i * o / tb / 1e9).toFixed(0).padStart(4)}`);
  }
}

interface Call { key: string; kernel: string; run: () => void }

/** Wraps every kernel to record its calls (kernel name, shape tag, a replay closure). */
function recording(base: TrainKernels, calls: Call[]): TrainKernels {
  const wrapped: Record<string, unknown> = { name: base.name };
  for (const key of Object.keys(base) as (keyof TrainKernels)[]) {
    const fn = base[key];
    if (typeof fn !== 'function') continue;
    wrapped[key] = (...args: unknown[]) => {
      const s = args[0] as Record<string, number> | undefined;
      const o = s && typeof s === 'object' ? s : undefined;
      const tag = o && 'kh' in o ? ` ${o.kh}x${o.kw}/${o.strideH} ${o.h}×${o.w}×${o.cin ?? o.c}→${o.cout ?? o.c! * (o.multiplier ?? 1)}`
        : o && 'inF' in o ? ` ${o.inF}→${o.outF}` : o && 'rows' in o ? ` ${o.rows}×${o.c}` : typeof args[0] === 'object' && args[0] ? ` [${(args[0] as Float32Array).length}]` : '';
      const run = () => (fn as (...a: unknown[]) => unknown).apply(base, args);
      calls.push({ key: key + tag, kernel: key, run });
      return run();
    };
  }
  return wrapped as unknown as TrainKernels;
}

function profile(models: string[], batch: number): void {
  for (const name of models) {
    const calls: Call[] = [];
    const kp = recording(k, calls);
    const net = new Network(resolveModel(findPreset(name)!.build()), kp, batch, 1);
    const x = rand(batch * net.inputSize);
    const labels = Int32Array.from({ length: batch }, (_, i) => i % net.outputSize);
    const probs = new Float32Array(batch * net.outputSize), d = new Float32Array(batch * net.outputSize);
    const step = () => {
      net.setInput(x, batch);
      const out = net.forward(true, 1);
      if (net.endsWithSoftmax) kp.softmaxCrossEntropy(batch, net.outputSize, out, labels, 0, probs, d);
      else kp.mse(out, x, d);
      net.backward(d);
    };
    for (let i = 0; i < 3; i++) step();
    calls.length = 0;
    step();
    const one = calls.slice();
    const wall = best(step, 3, 5);
    const per = new Map<string, number>(), byKernel = new Map<string, number>();
    let sum = 0;
    for (const c of one) {
      const t = best(c.run, 3, 9) * 1000;
      sum += t;
      per.set(c.key, (per.get(c.key) ?? 0) + t);
      byKernel.set(c.kernel, (byKernel.get(c.kernel) ?? 0) + t);
    }
    console.log(`\n${name} batch ${batch}: kernels ${sum.toFixed(2)} ms per step (best of each call) → ${(batch / sum * 1000).toFixed(0)} samples/s` +
      ` (forward+backward, no optimizer); whole step best ${(wall * 1000).toFixed(2)} ms`);
    for (const [key, v] of [...byKernel.entries()].sort((a, b) => b[1] - a[1])) console.log(`  ${key.padEnd(24)} ${v.toFixed(3).padStart(8)} ms ${(100 * v / sum).toFixed(0).padStart(3)}%`);
    console.log('  top calls:');
    for (const [key, v] of [...per.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`    ${key.padEnd(50)} ${v.toFixed(3).padStart(8)} ms`);
  }
}

if (argv.includes('--threads')) nativeThreads(Number(opt('threads', '2')));
if (argv.includes('--gemm') || !argv.includes('--profile')) gemmBench(Number(opt('batch', '32')));
if (argv.includes('--profile')) profile(opt('profile', 'ds-cnn,resnet8,mobilenet-v1-0.25,ae-fc').split(','), Number(opt('batch', '32')));
