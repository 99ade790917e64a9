/**
 * The weights file (`weights.bin`): named tensors in one little-endian binary.
 *
 *   header  : magic "MLFW" | u32 version (=1) | u32 tensor count | u32 reserved (0)
 *   tensor  : u16 name length | name (UTF-8) | u8 dtype (0 f32, 1 i8, 2 i32, 3 i16)
 *             | u8 rank | u32 dims[rank] | zero padding to a 16-byte offset
 *             | data (product(dims) elements) | zero padding to a 4-byte offset
 *
 * The reader checks every length against the file, so a damaged file is an
 * error naming the tensor, never a crash.
 */
import { MlforgeError } from '../errors.js';

export type TensorData = Float32Array | Int8Array | Int32Array | Int16Array;
export interface NamedTensor { readonly name: string; readonly shape: readonly number[]; readonly data: TensorData; }

const MAGIC = 0x57464c4d; // "MLFW" read as little-endian u32
const VERSION = 1;
const DTYPES = [Float32Array, Int8Array, Int32Array, Int16Array] as const;
const dtypeOf = (d: TensorData) => DTYPES.findIndex((C) => d instanceof C);
const align = (n: number, a: number) => Math.ceil(n / a) * a;

export function encodeWeights(tensors: readonly NamedTensor[]): Uint8Array {
  let size = 16;
  const names = tensors.map((t) => Buffer.from(t.name, 'utf8'));
  tensors.forEach((t, i) => {
    size = align(size + 2 + names[i]!.length + 2 + 4 * t.shape.length, 16);
    size = align(size + t.data.byteLength, 4);
  });
  const buf = Buffer.alloc(size);
  buf.writeUInt32LE(MAGIC, 0);
  buf.writeUInt32LE(VERSION, 4);
  buf.writeUInt32LE(tensors.length, 8);
  let o = 16;
  tensors.forEach((t, i) => {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new MlforgeError('INTERNAL', `tensor ${t.name}: shape [${t.shape}] has ${count} elements, data ${t.data.length}`);
    buf.writeUInt16LE(names[i]!.length, o); o += 2;
    buf.set(names[i]!, o); o += names[i]!.length;
    buf.writeUInt8(dtypeOf(t.data), o++);
    buf.writeUInt8(t.shape.length, o++);
    for (const d of t.shape) { buf.writeUInt32LE(d, o); o += 4; }
    o = align(o, 16);
    buf.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), o);
    o = align(o + t.data.byteLength, 4);
  });
  return buf;
}

export function decodeWeights(bytes: Uint8Array, file = 'weights.bin'): NamedTensor[] {
  const bad = (msg: string): never => { throw new MlforgeError('BAD_FILE', `${file}: ${msg}`, 'the weights file is damaged; retrain or re-export the model'); };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (o: number, n: number, what: string) => { if (o + n > bytes.length) bad(`truncated while reading ${what} (needs ${o + n} bytes, file has ${bytes.length})`); };
  need(0, 16, 'the header');
  if (view.getUint32(0, true) !== MAGIC) bad('not an MLForge weights file (bad magic)');
  const version = view.getUint32(4, true);
  if (version !== VERSION) bad(`unsupported weights format version ${version} (this MLForge reads ${VERSION})`);
  const count = view.getUint32(8, true);
  if (count > bytes.length / 8) bad(`tensor count ${count} is impossible for a ${bytes.length}-byte file`);
  const out: NamedTensor[] = [];
  let o = 16;
  for (let i = 0; i < count; i++) {
    need(o, 2, `tensor ${i} name length`);
    const nl = view.getUint16(o, true); o += 2;
    need(o, nl + 2, `tensor ${i} name`);
    const name = Buffer.from(bytes.buffer, bytes.byteOffset + o, nl).toString('utf8'); o += nl;
    const dt = view.getUint8(o++);
    const rank = view.getUint8(o++);
    const C = DTYPES[dt] ?? bad(`tensor "${name}": unknown dtype ${dt}`);
    need(o, 4 * rank, `tensor "${name}" dims`);
    const shape: number[] = [];
    let n = 1;
    for (let r = 0; r < rank; r++) { const d = view.getUint32(o, true); o += 4; shape.push(d); n *= d; }
    o = align(o, 16);
    const nbytes = n * C.BYTES_PER_ELEMENT;
    if (!Number.isSafeInteger(nbytes)) bad(`tensor "${name}": absurd shape [${shape}]`);
    need(o, nbytes, `tensor "${name}" data`);
    // Copy so the tensor is aligned and independent of the file buffer.
    const data = new C(n);
    new Uint8Array(data.buffer).set(bytes.subarray(o, o + nbytes));
    out.push({ name, shape, data });
    o = align(o + nbytes, 4);
  }
  return out;
}
