/**
 * A float model compiled for training or inference at a fixed maximum batch:
 * every activation, gradient and parameter buffer is allocated once here, so a
 * training step allocates nothing but a few typed-array views. Layers are run
 * through a `TrainKernels` implementation (native or reference).
 *
 * Not here: losses over datasets, optimizers, schedules (see `train`).
 */
import { MlforgeError } from '../errors.js';
import type { ResolvedLayer, ResolvedModel } from '../ir/shapes.js';
import { MODEL_INPUT, padBefore, shapeSize, windowOut } from '../ir/shapes.js';
import { pairOf } from '../ir/schema.js';
import { Rng } from '../util/random.js';
import type { BatchNormShape, ConvShape, DenseShape, DepthwiseShape, F32, PoolShape, TrainKernels } from './kernels/types.js';

export interface Param {
  /** `${layer}/kernel`, `/bias`, `/gamma`, `/beta`. */
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: F32;
  readonly grad: F32;
  /** Weight decay applies to kernels only, not to biases or BN parameters. */
  readonly decay: boolean;
}

/** Non-trainable state saved with the model (BN running statistics). */
export interface StateTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: F32;
}

interface Node {
  readonly r: ResolvedLayer;
  readonly size: number; // per-sample output size
  out: F32; // (maxBatch * size); aliases the input for in-place/identity layers
  grad: F32;
  readonly params: Param[];
  readonly state: StateTensor[];
  scratch: F32[]; // per-layer saved values (BN mean/invstd, dropout mask)
  conv?: ConvShape; dw?: DepthwiseShape; dense?: DenseShape; pool?: PoolShape;
  inPlace: boolean;
}

const zeros = (n: number) => new Float32Array(n);

export class Network {
  readonly model: ResolvedModel;
  readonly maxBatch: number;
  readonly params: Param[] = [];
  readonly state: StateTensor[] = [];
  /** Training ends at the logits when the model ends with softmax (fused with the loss). */
  readonly endsWithSoftmax: boolean;
  readonly inputSize: number;
  readonly outputSize: number;
  private readonly nodes: Node[] = [];
  private readonly input: F32;
  private readonly gradInput: F32; // sink for the (unused) input gradient
  private readonly tmp: F32; // scratch for accumulating multi-consumer gradients
  private written: Uint8Array;
  private kernels: TrainKernels;
  private n = 0;
  private dropoutSeed = 0;
  /** Training forward passes so far: batch norm's running averages start as plain means of them. */
  private trainPasses = 0;
  /**
   * Optional per-layer hooks (quantization-aware training): `afterForward` may
   * rewrite a layer's output in place (fake quantization); `beforeBackward` may
   * rewrite the gradient arriving at a layer's output (straight-through masks).
   */
  hooks: {
    afterForward?: (layer: number, y: F32, training: boolean) => void;
    beforeBackward?: (layer: number, dy: F32) => void;
  } = {};

  constructor(model: ResolvedModel, kernels: TrainKernels, maxBatch: number, seed = 0) {
    this.model = model;
    this.kernels = kernels;
    this.maxBatch = maxBatch;
    this.inputSize = shapeSize(model.inputShape);
    this.input = zeros(maxBatch * this.inputSize);
    this.gradInput = zeros(0);
    const last = model.layers[model.layers.length - 1]!;
    this.endsWithSoftmax = last.layer.type === 'softmax';
    this.outputSize = shapeSize(last.outShape);
    const rng = new Rng(seed);
    let maxSize = this.inputSize;
    for (const r of model.layers) {
      const node = this.build(r, rng, maxBatch);
      maxSize = Math.max(maxSize, node.size);
      this.nodes.push(node);
    }
    for (const [i, l] of model.layers.entries()) {
      if (l.layer.type === 'softmax' && i !== model.layers.length - 1) {
        throw new MlforgeError('UNSUPPORTED', `layer "${l.layer.name}": softmax is only supported as the last layer`);
      }
    }
    this.tmp = zeros(maxBatch * maxSize);
    this.written = new Uint8Array(this.nodes.length);
  }

  get kernelName(): string { return this.kernels.name; }
  setKernels(k: TrainKernels): void { this.kernels = k; }

  private inShape(r: ResolvedLayer): readonly number[] { return r.inShapes[0]!; }

  private srcOut(i: number): F32 { return i === MODEL_INPUT ? this.input : this.nodes[i]!.out; }

  private build(r: ResolvedLayer, rng: Rng, B: number): Node {
    const l = r.layer;
    const size = shapeSize(r.outShape);
    const x = this.inShape(r);
    const params: Param[] = [];
    const state: StateTensor[] = [];
    const addParam = (suffix: string, shape: number[], decay: boolean, init: (d: F32) => void) => {
      const data = zeros(shapeSize(shape));
      init(data);
      const p: Param = { name: `${l.name}/${suffix}`, shape, data, grad: zeros(data.length), decay };
      params.push(p);
      this.params.push(p);
    };
    // Glorot uniform for weights (the Keras default the reference models were trained with).
    const glorot = (fanIn: number, fanOut: number) => (d: F32) => {
      const lim = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < d.length; i++) d[i] = rng.uniform(-lim, lim);
    };
    const ones = (d: F32) => d.fill(1);
    const node: Node = { r, size, out: zeros(0), grad: zeros(0), params, state, scratch: [], inPlace: false };
    const window = (kh: number, kw: number, sh: number, sw: number, padding: 'same' | 'valid', h: number, w: number) => ({
      kh, kw, strideH: sh, strideW: sw,
      padTop: padBefore(h, kh, sh, padding), padLeft: padBefore(w, kw, sw, padding),
      outH: windowOut(h, kh, sh, padding), outW: windowOut(w, kw, sw, padding),
    });
    switch (l.type) {
      case 'conv2d': case 'conv1d': {
        // conv1d over [L, C] runs as conv2d over [1, L, C].
        const [h, w, cin] = l.type === 'conv2d' ? x : [1, x[0]!, x[1]!];
        const [kh, kw] = l.type === 'conv2d' ? pairOf(l.kernel) : [1, l.kernel];
        const [sh, sw] = l.type === 'conv2d' ? pairOf(l.stride) : [1, l.stride];
        node.conv = { n: B, h: h!, w: w!, cin: cin!, cout: l.filters, ...window(kh, kw, sh, sw, l.padding, h!, w!) };
        addParam('kernel', [kh, kw, cin!, l.filters], true, glorot(kh * kw * cin!, kh * kw * l.filters));
        if (l.useBias) addParam('bias', [l.filters], false, () => {});
        break;
      }
      case 'depthwise_conv2d': {
        const [h, w, c] = x as [number, number, number];
        const [kh, kw] = pairOf(l.kernel); const [sh, sw] = pairOf(l.stride);
        node.dw = { n: B, h, w, c, multiplier: l.depthMultiplier, ...window(kh, kw, sh, sw, l.padding, h, w) };
        addParam('kernel', [kh, kw, c * l.depthMultiplier], true, glorot(kh * kw, kh * kw * l.depthMultiplier));
        if (l.useBias) addParam('bias', [c * l.depthMultiplier], false, () => {});
        break;
      }
      case 'dense': {
        node.dense = { n: B, inF: x[0]!, outF: l.units };
        addParam('kernel', [x[0]!, l.units], true, glorot(x[0]!, l.units));
        if (l.useBias) addParam('bias', [l.units], false, () => {});
        break;
      }
      case 'batch_norm': {
        const c = x[x.length - 1]!;
        addParam('gamma', [c], false, ones);
        addParam('beta', [c], false, () => {});
        for (const [k, init] of [['moving_mean', 0], ['moving_variance', 1]] as const) {
          const t: StateTensor = { name: `${l.name}/${k}`, shape: [c], data: zeros(c).fill(init) };
          state.push(t);
          this.state.push(t);
        }
        node.scratch = [zeros(c), zeros(c)];
        break;
      }
      case 'avg_pool': case 'max_pool': {
        const [h, w, c] = x as [number, number, number];
        const [kh, kw] = pairOf(l.pool); const [sh, sw] = pairOf(l.stride ?? l.pool);
        node.pool = { n: B, h, w, c, ...window(kh, kw, sh, sw, l.padding, h, w) };
        break;
      }
      case 'dropout':
        node.scratch = [zeros(B * size)];
        break;
      default:
        break;
    }
    // Identity layers alias their input; relu runs in place when it is its input's only reader.
    const identity = l.type === 'flatten' || l.type === 'reshape';
    const src = r.inputs[0]!;
    node.inPlace = (l.type === 'relu' || l.type === 'relu6') && src !== MODEL_INPUT &&
      this.model.consumers[src]!.length === 1 && !['flatten', 'reshape'].includes(this.model.layers[src]!.layer.type);
    node.out = identity || node.inPlace ? this.srcOut(src) : zeros(B * size);
    node.grad = zeros(B * size);
    return node;
  }

  /** Copies `n` samples into the input buffer. */
  setInput(x: F32, n: number): void {
    if (n > this.maxBatch) throw new MlforgeError('INTERNAL', `batch ${n} exceeds compiled maximum ${this.maxBatch}`);
    this.n = n;
    this.input.set(x.subarray(0, n * this.inputSize));
  }

  private view(buf: F32, size: number): F32 { return buf.subarray(0, this.n * size); }

  /**
   * Runs the forward pass on the current input. Returns a view of the output
   * (N × outputSize): logits when training a softmax-ended model, else the last layer.
   */
  forward(training: boolean, dropoutSeed = 0): F32 {
    const k = this.kernels;
    const n = this.n;
    this.dropoutSeed = dropoutSeed;
    // Keep factor t/(t+1) until it reaches the layer's momentum: the running statistics are the
    // mean over the passes so far, so the initial 0/1 no longer linger for ~1/(1−momentum) steps
    // (they skewed short trainings, e.g. 250-step rungs, enough to reach chance accuracy).
    const t = training ? this.trainPasses++ : 0;
    for (const node of this.nodes) {
      const l = node.r.layer;
      const inSize = shapeSize(this.inShape(node.r));
      const x = this.view(this.srcOut(node.r.inputs[0]!), inSize);
      const y = this.view(node.out, node.size);
      const [w, b] = [node.params[0]?.data ?? null, node.params[1]?.data ?? null];
      switch (l.type) {
        case 'conv2d': case 'conv1d': k.conv2dForward({ ...node.conv!, n }, x, w!, b, y); break;
        case 'depthwise_conv2d': k.depthwiseForward({ ...node.dw!, n }, x, w!, b, y); break;
        case 'dense': k.denseForward({ ...node.dense!, n }, x, w!, b, y); break;
        case 'batch_norm': {
          const s = this.bnShape(node);
          const [rm, rv] = [node.state[0]!.data, node.state[1]!.data];
          if (training) k.batchNormTrain(s, x, w!, b!, y, node.scratch[0]!, node.scratch[1]!, rm, rv, Math.min(l.momentum, t / (t + 1)));
          else k.batchNormInfer(s, x, w!, b!, rm, rv, y);
          break;
        }
        case 'relu': k.reluForward(x, y, Infinity); break;
        case 'relu6': k.reluForward(x, y, 6); break;
        case 'add': k.addForward(x, this.view(this.srcOut(node.r.inputs[1]!), inSize), y); break;
        case 'avg_pool': k.avgPoolForward({ ...node.pool!, n }, x, y); break;
        case 'max_pool': k.maxPoolForward({ ...node.pool!, n }, x, y); break;
        case 'global_avg_pool': {
          const c = node.size;
          k.globalAvgPoolForward(n, inSize / c, c, x, y);
          break;
        }
        case 'dropout':
          if (training) k.dropoutForward(x, y, this.view(node.scratch[0]!, node.size), l.rate, (dropoutSeed + node.r.index * 0x9e3779b9) >>> 0);
          else y.set(x);
          break;
        case 'softmax':
          if (training) return x; // the loss fuses softmax
          k.softmax(n, node.size, x, y);
          break;
        case 'flatten': case 'reshape': break;
      }
      this.hooks.afterForward?.(node.r.index, y, training);
    }
    return this.view(this.nodes[this.nodes.length - 1]!.out, this.outputSize);
  }

  private bnShape(node: Node): BatchNormShape {
    const c = node.params[0]!.data.length;
    const l = node.r.layer as { epsilon: number };
    return { rows: (this.n * node.size) / c, c, eps: l.epsilon };
  }

  /** Routes a gradient into the producer `src`, accumulating when it has several readers. */
  private emitGrad(src: number, size: number, write: (dst: F32) => void): void {
    if (src === MODEL_INPUT) return;
    const node = this.nodes[src]!;
    const dst = this.view(node.grad, size);
    if (!this.written[src]) {
      write(dst);
      this.written[src] = 1;
    } else {
      const t = this.tmp.subarray(0, dst.length);
      write(t);
      this.kernels.accumulate(t, dst);
    }
  }

  /**
   * Backpropagates `dOut` (N × outputSize; the logits gradient for a softmax-ended
   * model) and fills every Param.grad. Must follow a training-mode forward.
   */
  backward(dOut: F32): void {
    const k = this.kernels;
    const n = this.n;
    this.written.fill(0);
    const lastIdx = this.nodes.length - 1;
    for (let i = lastIdx; i >= 0; i--) {
      const node = this.nodes[i]!;
      const l = node.r.layer;
      const src = node.r.inputs[0]!;
      const inSize = shapeSize(this.inShape(node.r));
      let dy: F32;
      if (i === lastIdx) dy = dOut;
      else if (!this.written[i]) continue; // no gradient reaches this layer
      else dy = this.view(node.grad, node.size);
      this.hooks.beforeBackward?.(i, dy);
      const needDx = this.needsGrad(src);
      const x = this.view(this.srcOut(src), inSize);
      const [p0, p1] = [node.params[0], node.params[1]];
      const passThrough = () => this.emitGrad(src, inSize, (d) => d.set(dy));
      switch (l.type) {
        case 'conv2d': case 'conv1d': {
          const s = { ...node.conv!, n };
          if (needDx) this.emitGrad(src, inSize, (dx) => k.conv2dBackward(s, x, p0!.data, dy, dx, p0!.grad, p1?.grad ?? null));
          else k.conv2dBackward(s, x, p0!.data, dy, null, p0!.grad, p1?.grad ?? null);
          break;
        }
        case 'depthwise_conv2d': {
          const s = { ...node.dw!, n };
          if (needDx) this.emitGrad(src, inSize, (dx) => k.depthwiseBackward(s, x, p0!.data, dy, dx, p0!.grad, p1?.grad ?? null));
          else k.depthwiseBackward(s, x, p0!.data, dy, null, p0!.grad, p1?.grad ?? null);
          break;
        }
        case 'dense': {
          const s = { ...node.dense!, n };
          if (needDx) this.emitGrad(src, inSize, (dx) => k.denseBackward(s, x, p0!.data, dy, dx, p0!.grad, p1?.grad ?? null));
          else k.denseBackward(s, x, p0!.data, dy, null, p0!.grad, p1?.grad ?? null);
          break;
        }
        case 'batch_norm': {
          const s = this.bnShape(node);
          const sink = needDx ? null : this.tmp.subarray(0, x.length);
          const run = (dx: F32) => k.batchNormBackward(s, x, p0!.data, dy, node.scratch[0]!, node.scratch[1]!, dx, p0!.grad, p1!.grad);
          if (sink) run(sink); else this.emitGrad(src, inSize, run);
          break;
        }
        case 'relu': case 'relu6': {
          const y = this.view(node.out, node.size);
          this.emitGrad(src, inSize, (dx) => k.reluBackward(y, dy, dx, l.type === 'relu' ? Infinity : 6));
          break;
        }
        case 'add':
          passThrough();
          this.emitGrad(node.r.inputs[1]!, inSize, (d) => d.set(dy));
          break;
        case 'avg_pool': this.emitGrad(src, inSize, (dx) => k.avgPoolBackward({ ...node.pool!, n }, dy, dx)); break;
        case 'max_pool': this.emitGrad(src, inSize, (dx) => k.maxPoolBackward({ ...node.pool!, n }, x, dy, dx)); break;
        case 'global_avg_pool':
          this.emitGrad(src, inSize, (dx) => k.globalAvgPoolBackward(n, inSize / node.size, node.size, dy, dx));
          break;
        case 'dropout':
          this.emitGrad(src, inSize, (dx) => k.dropoutBackward(dy, this.view(node.scratch[0]!, node.size), dx));
          break;
        case 'softmax': case 'flatten': case 'reshape':
          passThrough();
          break;
      }
    }
  }

  /** Whether any trainable parameter lies upstream of layer `i`'s output. */
  private needsGrad(i: number): boolean {
    if (i === MODEL_INPUT) return false;
    this.upstream ??= this.computeUpstream();
    return this.upstream[i]!;
  }
  private upstream?: boolean[];
  private computeUpstream(): boolean[] {
    const up: boolean[] = [];
    for (const node of this.nodes) {
      up.push(node.params.length > 0 || node.r.inputs.some((s) => s !== MODEL_INPUT && up[s]));
    }
    return up;
  }

  /** Layer outputs by name (views), e.g. for calibration. Valid until the next forward. */
  activations(): Map<string, F32> {
    const m = new Map<string, F32>();
    for (const node of this.nodes) m.set(node.r.layer.name, this.view(node.out, node.size));
    return m;
  }

  get batch(): number { return this.n; }
}

export type { ConvShape, DepthwiseShape, DenseShape, PoolShape };
