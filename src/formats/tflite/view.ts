/**
 * A bounds-checked view over flatbuffer bytes. Every read of an offset, vtable,
 * field, vector or string is checked against the buffer before it happens, so no
 * input can make a read go out of bounds; a violation throws
 * MlforgeError('BAD_FILE') naming what was being read and where.
 *
 * This replaces flatbuffers' ByteBuffer accessors (which do not check) on the
 * read side. It is not a general flatbuffers verifier: it checks what the TFLite
 * decoder touches, when it touches it, and nothing that is never read.
 *
 * Layout reminders: a table starts with an int32 soffset to its vtable
 * (vtable = table - soffset); a vtable is [u16 vtable bytes, u16 table bytes,
 * u16 field offsets...]; a uoffset field points forward (target = field + u32);
 * vectors and strings start with a u32 element count (strings add a 0 byte).
 */
import { MlforgeError } from '../../errors.js';

/** What a traced read was; the fuzz test mutates these positions. */
export type TraceKind = 'uoffset' | 'soffset' | 'vtable' | 'length' | 'scalar';
export type Tracer = (kind: TraceKind, pos: number, size: number, what: string) => void;

const HINT = 'the file is damaged or not a .tflite model; re-export it from the converter';

export class FbView {
  readonly size: number;
  readonly tracing: boolean;
  private readonly dv: DataView;
  /**
   * Bytes of vectors and strings visited so far. Offsets may alias (many tables
   * pointing at one big vector), so a small file could otherwise make the
   * decoder read gigabytes; a well-formed file visits each byte about once.
   */
  private visited = 0;
  private readonly visitBudget: number;

  constructor(readonly bytes: Uint8Array, readonly file: string, private readonly trace?: Tracer) {
    this.size = bytes.length;
    this.tracing = trace !== undefined;
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.visitBudget = 8 * this.size + (1 << 20);
  }

  fail(what: string): never {
    throw new MlforgeError('BAD_FILE', `${this.file}: ${what}`, HINT);
  }

  /** Throws unless [pos, pos+len) lies inside the buffer. */
  check(pos: number, len: number, what: string): void {
    if (!(Number.isSafeInteger(pos) && Number.isSafeInteger(len) && pos >= 0 && len >= 0 && pos + len <= this.size)) {
      this.fail(`${what}: bytes ${pos}..${pos + len} lie outside the file (${this.size} bytes)`);
    }
  }

  u8(pos: number, what: string): number { this.check(pos, 1, what); return this.dv.getUint8(pos); }
  i8(pos: number, what: string): number { this.check(pos, 1, what); return this.dv.getInt8(pos); }
  u16(pos: number, what: string): number { this.check(pos, 2, what); return this.dv.getUint16(pos, true); }
  i32(pos: number, what: string): number { this.check(pos, 4, what); return this.dv.getInt32(pos, true); }
  u32(pos: number, what: string): number { this.check(pos, 4, what); return this.dv.getUint32(pos, true); }
  f32(pos: number, what: string): number { this.check(pos, 4, what); return this.dv.getFloat32(pos, true); }
  /** int64 as a number; values beyond ±2^53 are rejected (nothing in TFLite needs them). */
  i64(pos: number, what: string): number {
    this.check(pos, 8, what);
    const lo = this.dv.getUint32(pos, true), hi = this.dv.getInt32(pos + 4, true);
    if (hi > 0x1fffff || hi < -0x200000) this.fail(`${what}: int64 value ${this.dv.getBigInt64(pos, true)} is out of range`);
    return hi * 0x100000000 + lo;
  }
  u64(pos: number, what: string): number {
    this.check(pos, 8, what);
    const v = this.dv.getBigUint64(pos, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`${what}: uint64 value ${v} is out of range`);
    return Number(v);
  }

  note(kind: TraceKind, pos: number, size: number, what: string): void {
    this.trace?.(kind, pos, size, what);
  }

  /** Follows the uoffset stored at `pos`; returns the target position. */
  deref(pos: number, what: string): number {
    this.note('uoffset', pos, 4, what);
    const off = this.u32(pos, what);
    if (off === 0 || off > 0x7fffffff) this.fail(`${what}: offset ${off} at byte ${pos} is invalid`);
    const target = pos + off;
    if (target >= this.size) this.fail(`${what}: offset at byte ${pos} points to ${target}, past the end (${this.size} bytes)`);
    return target;
  }

  /** The table at `pos`, with its vtable checked. */
  table(pos: number, what: string): FbTable {
    if (pos % 4 !== 0) this.fail(`${what}: table at byte ${pos} is not 4-byte aligned`);
    this.note('soffset', pos, 4, what);
    const soff = this.i32(pos, `${what} vtable offset`);
    const vt = pos - soff;
    if (vt < 0 || vt % 2 !== 0 || vt + 4 > this.size) this.fail(`${what}: vtable at byte ${vt} (from table at ${pos}) is out of bounds`);
    this.note('vtable', vt, 4, what);
    const vtSize = this.u16(vt, `${what} vtable size`);
    const tableSize = this.u16(vt + 2, `${what} table size`);
    if (vtSize < 4 || vtSize % 2 !== 0) this.fail(`${what}: vtable at byte ${vt} has invalid size ${vtSize}`);
    this.check(vt, vtSize, `${what} vtable`);
    if (tableSize < 4) this.fail(`${what}: table at byte ${pos} has invalid size ${tableSize}`);
    this.check(pos, tableSize, `${what} table`);
    return new FbTable(this, pos, vt, vtSize, tableSize, what);
  }

  /** A vector's element count and first element position, checked for `elemSize`-byte elements. */
  vector(pos: number, elemSize: number, what: string, max: number): { start: number; length: number } {
    if (pos % 4 !== 0) this.fail(`${what}: vector at byte ${pos} is not 4-byte aligned`);
    this.note('length', pos, 4, what);
    const length = this.u32(pos, `${what} length`);
    if (length > max) this.fail(`${what}: ${length} elements exceed the limit of ${max}`);
    this.check(pos + 4, length * elemSize, `${what} (${length} × ${elemSize} bytes)`);
    this.visited += 4 + length * elemSize;
    if (this.visited > this.visitBudget) {
      this.fail(`${what}: the file refers to the same data over and over (${this.visited} bytes of vectors visited in a ${this.size}-byte file)`);
    }
    return { start: pos + 4, length };
  }

  string(pos: number, what: string): string {
    const { start, length } = this.vector(pos, 1, what, this.size);
    if (this.u8(start + length, `${what} terminator`) !== 0) this.fail(`${what}: string at byte ${pos} lacks its 0 terminator`);
    return decoder.decode(this.bytes.subarray(start, start + length));
  }
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/** One table; field accessors return the schema default when the field is absent. */
export class FbTable {
  constructor(
    readonly view: FbView,
    readonly pos: number,
    private readonly vt: number,
    private readonly vtSize: number,
    private readonly tableSize: number,
    readonly what: string,
  ) {}

  /** Absolute position of field `id` (size `size` bytes), or -1 when absent. */
  private field(id: number, size: number, name: string): number {
    const s = 4 + 2 * id;
    if (s + 2 > this.vtSize) return -1;
    if (this.view.tracing) this.view.note('vtable', this.vt + s, 2, `${this.what}.${name}`);
    const off = this.view.u16(this.vt + s, `${this.what}.${name} vtable entry`);
    if (off === 0) return -1;
    if (off < 4 || off + size > this.tableSize) {
      this.view.fail(`${this.what}.${name}: field offset ${off} (+${size}) lies outside its table (${this.tableSize} bytes) at byte ${this.pos}`);
    }
    return this.pos + off;
  }

  private scalar(id: number, size: number, name: string): number {
    const p = this.field(id, size, name);
    if (p >= 0 && this.view.tracing) this.view.note('scalar', p, size, `${this.what}.${name}`);
    return p;
  }

  bool(id: number, name: string, dflt = false): boolean {
    const p = this.scalar(id, 1, name);
    return p < 0 ? dflt : this.view.u8(p, name) !== 0;
  }
  i8(id: number, name: string, dflt = 0): number {
    const p = this.scalar(id, 1, name);
    return p < 0 ? dflt : this.view.i8(p, name);
  }
  u8(id: number, name: string, dflt = 0): number {
    const p = this.scalar(id, 1, name);
    return p < 0 ? dflt : this.view.u8(p, name);
  }
  i32(id: number, name: string, dflt = 0): number {
    const p = this.scalar(id, 4, name);
    return p < 0 ? dflt : this.view.i32(p, name);
  }
  u32(id: number, name: string, dflt = 0): number {
    const p = this.scalar(id, 4, name);
    return p < 0 ? dflt : this.view.u32(p, name);
  }
  f32(id: number, name: string, dflt = 0): number {
    const p = this.scalar(id, 4, name);
    return p < 0 ? dflt : this.view.f32(p, name);
  }
  u64(id: number, name: string, dflt = 0): number {
    const p = this.scalar(id, 8, name);
    return p < 0 ? dflt : this.view.u64(p, name);
  }

  private target(id: number, name: string): number {
    const p = this.field(id, 4, name);
    return p < 0 ? -1 : this.view.deref(p, `${this.what}.${name}`);
  }

  table(id: number, name: string): FbTable | null {
    const t = this.target(id, name);
    return t < 0 ? null : this.view.table(t, `${this.what}.${name}`);
  }

  string(id: number, name: string): string | null {
    const t = this.target(id, name);
    return t < 0 ? null : this.view.string(t, `${this.what}.${name}`);
  }

  /** Vector of int32; null when absent. */
  ints(id: number, name: string, max: number): number[] | null {
    const t = this.target(id, name);
    if (t < 0) return null;
    const { start, length } = this.view.vector(t, 4, `${this.what}.${name}`, max);
    const out = new Array<number>(length);
    for (let i = 0; i < length; i++) out[i] = this.view.i32(start + 4 * i, name);
    if (length > 0 && this.view.tracing) this.view.note('scalar', start, 4 * length, `${this.what}.${name}`);
    return out;
  }

  floats(id: number, name: string, max: number): number[] | null {
    const t = this.target(id, name);
    if (t < 0) return null;
    const { start, length } = this.view.vector(t, 4, `${this.what}.${name}`, max);
    const out = new Array<number>(length);
    for (let i = 0; i < length; i++) out[i] = this.view.f32(start + 4 * i, name);
    return out;
  }

  longs(id: number, name: string, max: number): number[] | null {
    const t = this.target(id, name);
    if (t < 0) return null;
    const { start, length } = this.view.vector(t, 8, `${this.what}.${name}`, max);
    const out = new Array<number>(length);
    for (let i = 0; i < length; i++) out[i] = this.view.i64(start + 8 * i, name);
    return out;
  }

  /** Vector of bytes as a view into the file (no copy); null when absent. */
  bytes(id: number, name: string): Uint8Array | null {
    const t = this.target(id, name);
    if (t < 0) return null;
    const { start, length } = this.view.vector(t, 1, `${this.what}.${name}`, this.view.size);
    return this.view.bytes.subarray(start, start + length);
  }

  /** Vector of tables, returned as a count and an accessor that checks each element when read. */
  tables(id: number, name: string, max: number): { length: number; at(i: number): FbTable } | null {
    const t = this.target(id, name);
    if (t < 0) return null;
    const what = `${this.what}.${name}`;
    const { start, length } = this.view.vector(t, 4, what, max);
    const view = this.view;
    return { length, at: (i: number) => view.table(view.deref(start + 4 * i, `${what}[${i}]`), `${what}[${i}]`) };
  }
}
