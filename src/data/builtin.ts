/**
 * Built-in datasets read from their npm packages (nothing is downloaded):
 * `mnist` (10,000 digits, pixels as floats 0–1) and `fashion-mnist` (70,000
 * images, pixels 0–255). The packages store JSON; we scan the numbers straight
 * into bytes and cache the result under ~/.cache/mlforge so later loads are instant.
 */
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { homedir } from 'node:os';
import { MlforgeError } from '../errors.js';
import type { Dataset } from './dataset.js';

const require = createRequire(import.meta.url);

interface Builtin {
  readonly pkg: string;
  readonly folder: string;
  readonly labels: readonly string[];
  /** Pixel value scale in the JSON: 1 for 0–1 floats, 255 for bytes. */
  readonly max: number;
}

const BUILTINS: Record<string, Builtin> = {
  mnist: { pkg: 'mnist', folder: 'src/digits', labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], max: 1 },
  'fashion-mnist': {
    pkg: 'fashion-mnist', folder: 'src/clothes', max: 255,
    labels: ['t-shirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle-boot'],
  },
};

export const builtinNames = (): string[] => Object.keys(BUILTINS);
export const isBuiltin = (name: string): boolean => name in BUILTINS;

const PIXELS = 28 * 28;

/** Scans every number in a JSON text into bytes 0–255 (value / max * 255, rounded). */
function scanPixels(text: Buffer, max: number): Uint8Array {
  const out = new Uint8Array(text.length / 2);
  let n = 0;
  let i = 0;
  const len = text.length;
  while (i < len) {
    const ch = text[i]!;
    if ((ch >= 48 && ch <= 57) || ch === 46) {
      let v = 0;
      while (i < len && text[i]! >= 48 && text[i]! <= 57) v = v * 10 + (text[i++]! - 48);
      if (text[i] === 46) {
        i++;
        let f = 0.1;
        while (i < len && text[i]! >= 48 && text[i]! <= 57) { v += (text[i++]! - 48) * f; f *= 0.1; }
      }
      out[n++] = Math.min(255, Math.round((v / max) * 255));
    } else i++;
  }
  return out.subarray(0, n);
}

function cacheDir(): string {
  return process.env.MLFORGE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'mlforge');
}

function loadRaw(name: string, b: Builtin): { pixels: Uint8Array; y: Int32Array } {
  const root = dirname(require.resolve(`${b.pkg}/package.json`));
  const version = (require(`${b.pkg}/package.json`) as { version: string }).version;
  const cache = join(cacheDir(), `${name}-${version}.bin`);
  if (existsSync(cache)) {
    const buf = readFileSync(cache);
    const n = buf.readUInt32LE(0);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) y[i] = buf[4 + i]!;
    return { pixels: new Uint8Array(buf.buffer, buf.byteOffset + 4 + n, n * PIXELS), y };
  }
  const chunks: Uint8Array[] = [];
  const ys: number[] = [];
  for (let c = 0; c < b.labels.length; c++) {
    const px = scanPixels(readFileSync(join(root, b.folder, `${c}.json`)), b.max);
    if (px.length % PIXELS !== 0) throw new MlforgeError('BAD_FILE', `${b.pkg}/${b.folder}/${c}.json: ${px.length} values is not a multiple of 784`);
    chunks.push(px);
    for (let i = 0; i < px.length / PIXELS; i++) ys.push(c);
  }
  const n = ys.length;
  const file = Buffer.alloc(4 + n + n * PIXELS);
  file.writeUInt32LE(n, 0);
  ys.forEach((c, i) => (file[4 + i] = c));
  let off = 4 + n;
  for (const ch of chunks) { file.set(ch, off); off += ch.length; }
  try {
    mkdirSync(cacheDir(), { recursive: true });
    writeFileSync(`${cache}.tmp${process.pid}`, file);
    renameSync(`${cache}.tmp${process.pid}`, cache);
  } catch {
    // A read-only home only costs speed.
  }
  return { pixels: file.subarray(4 + n), y: Int32Array.from(ys) };
}

/** Loads a built-in dataset with pixels scaled to [0, 1]. */
export function loadBuiltin(name: string): Dataset {
  const b = BUILTINS[name];
  if (!b) throw new MlforgeError('NOT_FOUND', `unknown built-in dataset "${name}"`);
  const { pixels, y } = loadRaw(name, b);
  const lut = Float32Array.from({ length: 256 }, (_, i) => i / 255);
  const x = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) x[i] = lut[pixels[i]!]!;
  return { name, shape: [28, 28, 1], x, y, labels: b.labels };
}
