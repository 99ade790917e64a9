import { describe, expect, it } from 'vitest';
import { createInterpreter } from '../../../src/engine/int8/index.js';
import { readTflite, writeTflite } from '../../../src/formats/tflite/index.js';
import { withoutFinalSoftmax } from '../../../src/ir/int8.js';
import { loadModel } from './helpers.js';

describe('withoutFinalSoftmax', () => {
  it('kws_ref_model: drops the SOFTMAX and its tensor, the FC result becomes the output, data follows the renumbering', () => {
    const m = readTflite(loadModel('kws_ref_model.tflite'));
    const fc = m.ops.at(-2)!;
    const l = withoutFinalSoftmax(m);
    expect(l.ops.map((o) => o.options.kind)).toEqual(m.ops.slice(0, -1).map((o) => o.options.kind));
    expect(l.tensors).toHaveLength(m.tensors.length - 1);
    expect(l.tensors[l.outputs[0]!]).toEqual(m.tensors[fc.outputs[0]!]);
    for (const [i, d] of l.data) expect(Array.from(d)).toEqual(Array.from(m.data.get(m.tensors.indexOf(l.tensors[i]!))!));
    // Written and read back, it runs: its outputs are the full model's pre-softmax values (argmax agrees).
    const back = readTflite(writeTflite(l));
    const x = Int8Array.from({ length: 490 }, (_, k) => ((k * 37) % 256) - 128);
    const logits = createInterpreter(back, { backend: 'reference' }).invoke([x])[0]!;
    const probs = createInterpreter(m, { backend: 'reference' }).invoke([x])[0]!;
    const argmax = (v: ArrayLike<number>) => Array.from(v).reduce((b, y, i, a) => (y > a[b]! ? i : b), 0);
    expect(logits).toHaveLength(12);
    expect(argmax(logits)).toBe(argmax(probs));
  });

  it('leaves a model without a final softmax unchanged', () => {
    const l = withoutFinalSoftmax(readTflite(loadModel('kws_ref_model.tflite')));
    expect(withoutFinalSoftmax(l)).toBe(l);
  });
});
