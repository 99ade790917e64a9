/**
 * The in-process int8 interpreter: runs a prepared Int8Model on one sample with
 * either the native C kernels (the ones every C export ships) or the TypeScript
 * reference. Every computed tensor gets its own buffer, allocated once at
 * creation; `invoke` copies the inputs in, runs the ops in order and returns
 * copies of the outputs. It is deliberately not a memory planner: the arena
 * layout of exported C code belongs to codegen.
 */
import { MlforgeError } from '../../errors.js';
import type { Int8Model } from '../../ir/int8.js';
import { createNativeKernels } from './native.js';
import { prepare, type PreparedModel, type PrepareOptions, type TensorInfo } from './prepare.js';
import { referenceKernels } from './reference/index.js';
import type { Int8Kernels } from './types.js';

export type TensorData = Int8Array | Float32Array;
export type Int8Backend = 'native' | 'reference';

export interface InterpreterOptions extends PrepareOptions {
  /** 'native' (default): the C kernels through the Node addon; 'reference': the TypeScript twins. */
  backend?: Int8Backend;
  /** Native only: 'emulated-dsp' runs the Cortex-M packed-MAC code paths (tests). */
  nativeVariant?: 'host' | 'emulated-dsp';
}

export interface Int8Interpreter {
  readonly backend: Int8Backend;
  readonly prepared: PreparedModel;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  /** One array per graph input (Int8Array for int8, Float32Array for float32), in graph order. */
  invoke(inputs: readonly TensorData[]): TensorData[];
}

type Buffer = Int8Array | Int32Array | Float32Array | Int16Array;

/**
 * Prepares `model` (validation, multipliers) and returns an interpreter.
 *
 * @example
 * const interp = createInterpreter(model, { backend: 'native' });
 * const [scores] = interp.invoke([Int8Array.from(features)]);
 */
export function createInterpreter(model: Int8Model, options: InterpreterOptions = {}): Int8Interpreter {
  const backend = options.backend ?? 'native';
  const prepared = prepare(model, options);
  const kernels: Int8Kernels = backend === 'native' ? createNativeKernels({ variant: options.nativeVariant }) : referenceKernels;

  const buffers: (Buffer | undefined)[] = model.tensors.map((t, i) => (t.constant ? model.data.get(i) : undefined));
  const allocate = (i: number): void => {
    if (i < 0 || buffers[i]) return;
    const t = model.tensors[i];
    const size = t.shape.reduce((a, b) => a * b, 1);
    buffers[i] = t.dtype === 'float32' ? new Float32Array(size) : new Int8Array(size);
  };
  model.inputs.forEach(allocate);
  for (const op of prepared.ops) {
    op.inputs.forEach(allocate);
    allocate(op.output);
  }

  const i8 = (i: number): Int8Array => buffers[i] as Int8Array;
  const f32 = (i: number): Float32Array => buffers[i] as Float32Array;
  const bias = (i: number): Int32Array | null => (i < 0 ? null : (buffers[i] as Int32Array));

  const run = (): void => {
    for (const op of prepared.ops) {
      const out = op.output;
      switch (op.kind) {
        case 'conv2d': kernels.conv2d(op.params, i8(op.inputs[0]), i8(op.inputs[1]), bias(op.inputs[2]), i8(out)); break;
        case 'depthwise_conv2d': kernels.depthwiseConv2d(op.params, i8(op.inputs[0]), i8(op.inputs[1]), bias(op.inputs[2]), i8(out)); break;
        case 'fully_connected': kernels.fullyConnected(op.params, i8(op.inputs[0]), i8(op.inputs[1]), bias(op.inputs[2]), i8(out)); break;
        case 'add': kernels.add(op.params, i8(op.inputs[0]), i8(op.inputs[1]), i8(out)); break;
        case 'avg_pool': kernels.avgPool(op.params, i8(op.inputs[0]), i8(out)); break;
        case 'max_pool': kernels.maxPool(op.params, i8(op.inputs[0]), i8(out)); break;
        case 'mean': kernels.mean(op.params, i8(op.inputs[0]), i8(out)); break;
        case 'softmax': kernels.softmax(op.params, i8(op.inputs[0]), i8(out)); break;
        case 'pad': kernels.pad(op.params, i8(op.inputs[0]), i8(out)); break;
        case 'concatenation': kernels.concat(op.params, op.inputs.map(i8), i8(out)); break;
        case 'quantize': kernels.quantize(op.params, f32(op.inputs[0]), i8(out)); break;
        case 'requantize': kernels.requantize(op.params, i8(op.inputs[0]), i8(out)); break;
        case 'dequantize': kernels.dequantize(op.params, i8(op.inputs[0]), f32(out)); break;
        case 'logistic': kernels.logistic(op.params, i8(op.inputs[0]), i8(out)); break;
        case 'tanh': kernels.tanh(op.params, i8(op.inputs[0]), i8(out)); break;
        case 'reshape': (buffers[out] as Int8Array).set(buffers[op.inputs[0]] as Int8Array); break;
      }
    }
  };

  return {
    backend,
    prepared,
    inputs: prepared.inputs,
    outputs: prepared.outputs,
    invoke(inputs: readonly TensorData[]): TensorData[] {
      if (inputs.length !== prepared.inputs.length) {
        throw new MlforgeError('BAD_INPUT', `expected ${prepared.inputs.length} input arrays for model "${model.meta.name}", got ${inputs.length}`);
      }
      prepared.inputs.forEach((info, k) => {
        const x = inputs[k];
        const want = info.dtype === 'float32' ? Float32Array : Int8Array;
        if (!(x instanceof want) || x.length !== info.size) {
          throw new MlforgeError('BAD_INPUT',
            `expected a ${want.name} of ${info.size} values for input "${info.name}" [${info.shape.join(', ')}], got ${x?.constructor?.name ?? typeof x} of ${(x as TensorData | undefined)?.length ?? 0}`);
        }
        (buffers[info.index] as TensorData).set(x as never);
      });
      run();
      return prepared.outputs.map((info) => (buffers[info.index] as TensorData).slice());
    },
  };
}
