import { describe, expect, it } from 'vitest';
import { addRequant, type AddParams, type Broadcast6 } from '../../../src/engine/int8/index.js';
import { rng, type Rng } from '../../helpers/random.js';
import {
  breathe, CASES, nativeHost, randomActivation, randomInt8, randomMultiplier, randomRounding, randomScale, randomZeroPoint,
  reference, Tally,
} from './helpers.js';

/** A broadcast pair: random 1..6-dim output, each input keeps or drops (to 1) every axis. */
function randomBroadcast(r: Rng): { broadcast: Broadcast6; size1: number; size2: number; size: number } {
  const rank = r.int(1, 6);
  const out = Array.from({ length: rank }, () => r.int(1, rank > 3 ? 2 : 4));
  const in1 = out.map((d) => (r.next() < 0.3 ? 1 : d));
  const in2 = out.map((d) => (r.next() < 0.3 ? 1 : d));
  const pad = (s: number[]): number[] => [...new Array<number>(6 - s.length).fill(1), ...s];
  const strides = (s: number[], o: number[]): Int32Array => {
    const st = new Int32Array(6);
    let acc = 1;
    for (let i = 5; i >= 0; i--) {
      st[i] = s[i] === 1 && o[i] !== 1 ? 0 : acc;
      acc *= s[i];
    }
    return st;
  };
  const po = pad(out);
  const prod = (s: number[]): number => s.reduce((a, b) => a * b, 1);
  return {
    broadcast: { outDims: Int32Array.from(po), strides1: strides(pad(in1), po), strides2: strides(pad(in2), po) },
    size1: prod(in1), size2: prod(in2), size: prod(out),
  };
}

function randomAddCase(r: Rng): { p: AddParams; in1: Int8Array; in2: Int8Array } {
  const rounding = randomRounding(r);
  const zp1 = randomZeroPoint(r);
  const zp2 = randomZeroPoint(r);
  const zpOut = randomZeroPoint(r);
  let requant: Omit<AddParams, 'actMin' | 'actMax' | 'size' | 'broadcast'> | undefined;
  if (r.next() < 0.6) {
    try {
      requant = addRequant(randomScale(r), zp1, randomScale(r), zp2, randomScale(r), zpOut, rounding);
    } catch {
      requant = undefined; // output multiplier >= 2^30: not a valid add
    }
  }
  if (!requant) {
    const q1 = randomMultiplier(r, rounding);
    const q2 = randomMultiplier(r, rounding);
    const qo = randomMultiplier(r, rounding);
    requant = {
      input1Offset: -zp1, input2Offset: -zp2, outputOffset: zpOut, leftShift: 20,
      input1Multiplier: q1.multiplier, input1Shift: Math.min(q1.shift, 0),
      input2Multiplier: q2.multiplier, input2Shift: Math.min(q2.shift, 0),
      outputMultiplier: qo.multiplier, outputShift: qo.shift, rounding,
    };
  }
  if (r.next() < 0.5) {
    const size = r.int(1, 32);
    return { p: { ...requant, ...randomActivation(r, zpOut), size }, in1: randomInt8(r, size), in2: randomInt8(r, size) };
  }
  const b = randomBroadcast(r);
  return {
    p: { ...requant, ...randomActivation(r, zpOut), size: b.size, broadcast: b.broadcast },
    in1: randomInt8(r, b.size1), in2: randomInt8(r, b.size2),
  };
}

describe('int8 add', () => {
  it('adds two tensors of equal scale exactly', () => {
    // s1 = s2 = s_out = 0.5, zero points 0: 3 + 4 = 7 (quantized), -10 + 3 = -7.
    const p: AddParams = { ...addRequant(0.5, 0, 0.5, 0, 0.5, 0, 'double'), actMin: -128, actMax: 127, size: 2 };
    for (const k of [reference, nativeHost]) {
      const y = new Int8Array(2);
      k.add(p, Int8Array.of(3, -10), Int8Array.of(4, 3), y);
      expect(Array.from(y)).toEqual([7, -7]);
    }
  });

  it(`native equals the reference on ${CASES} random cases (same shape and 6-D broadcast)`, async () => {
    const r = rng(0xadd);
    const tally = new Tally('add');
    for (let i = 0; i < CASES; i++) {
      if (i % 1000 === 999) await breathe();
      const c = randomAddCase(r);
      const want = new Int8Array(c.p.size);
      reference.add(c.p, c.in1, c.in2, want);
      const got = new Int8Array(c.p.size);
      nativeHost.add(c.p, c.in1, c.in2, got);
      tally.check('native', got, want, () => JSON.stringify(c.p, (_, v: unknown) => (v instanceof Int32Array ? [...v] : v)));
      tally.cases++;
    }
    tally.expectClean();
  });
});
