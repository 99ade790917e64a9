/**
 * TensorFlow Lite's own interpreter, as a second opinion in tests: the
 * `@tensorflow/tfjs-tflite` WebAssembly build running in headless Chromium.
 *
 * Why a browser: the package only runs there (it loads its wasm through
 * <script> tags). Why a local server: the page may fetch nothing from the
 * internet, so every file (tfjs-core, the CPU backend, tfjs-tflite, its wasm,
 * the models) is served from 127.0.0.1, and any other request is aborted and
 * recorded (`blocked`, which a test asserts is empty).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from './helpers.js';

export const CHROMIUM = '/usr/bin/chromium';

const modules = path.join(repoRoot, 'node_modules/@tensorflow');
const LIBS: Readonly<Record<string, string>> = {
  '/lib/tf-core.js': path.join(modules, 'tfjs-core/dist/tf-core.min.js'),
  '/lib/tf-backend-cpu.js': path.join(modules, 'tfjs-backend-cpu/dist/tf-backend-cpu.min.js'),
  '/lib/tf-tflite.js': path.join(modules, 'tfjs-tflite/dist/tf-tflite.min.js'),
};
const WASM_DIR = path.join(modules, 'tfjs-tflite/wasm');

const PAGE = `<!doctype html><html><head><meta charset="utf-8">
<script src="/lib/tf-core.js"></script><script src="/lib/tf-backend-cpu.js"></script><script src="/lib/tf-tflite.js"></script>
</head><body>tfjs-tflite harness</body></html>`;

const TYPES: Readonly<Record<string, string>> = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };

export interface TfliteRun {
  /** Output values per row (int8 outputs as numbers in [-128, 127]), first output tensor only. */
  outputs: number[][];
  inputType: string;
  outputType: string;
}

export interface TfjsHarness {
  /** Loads `model` (a .tflite file) in TFLite's interpreter and runs each int8 row through predict(). */
  run(model: Uint8Array, rows: readonly Int8Array[], inputShape: readonly number[]): Promise<TfliteRun>;
  /** Requests that did not go to the local server (aborted). */
  readonly blocked: string[];
  /** Which wasm file the page loaded (simd or not). */
  readonly wasmLoaded: string[];
  close(): Promise<void>;
}

export async function startTfjs(): Promise<TfjsHarness> {
  const models = new Map<string, Uint8Array>();
  const wasmLoaded: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (body: Uint8Array | string, type: string) => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    const p = url.pathname;
    if (p === '/') return send(PAGE, TYPES['.html']!);
    if (LIBS[p]) return send(readFileSync(LIBS[p]!), TYPES['.js']!);
    const wasm = /^\/wasm\/([\w.]+)$/.exec(p);
    if (wasm) {
      const file = path.join(WASM_DIR, wasm[1]!);
      try {
        const body = readFileSync(file);
        if (file.endsWith('.wasm')) wasmLoaded.push(wasm[1]!);
        return send(body, TYPES[path.extname(file)] ?? 'application/octet-stream');
      } catch { /* 404 below */ }
    }
    const model = /^\/model\/(\w+)\.tflite$/.exec(p);
    if (model && models.has(model[1]!)) return send(models.get(model[1]!)!, 'application/octet-stream');
    res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const profile = mkdtempSync(path.join(tmpdir(), 'mlforge-chromium-'));
  let context: BrowserContext | undefined;
  const blocked: string[] = [];
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    await context.route('**/*', (route) => {
      const u = route.request().url();
      if (u.startsWith(origin + '/') || u.startsWith('blob:') || u.startsWith('data:')) return route.continue();
      blocked.push(u);
      return route.abort();
    });
  } catch (e) {
    server.close();
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  const page: Page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(origin + '/');
  await page.evaluate(() => (globalThis as unknown as { tflite: { setWasmPath(p: string): void } }).tflite.setWasmPath('/wasm/'));

  let next = 0;
  return {
    blocked, wasmLoaded,
    async run(bytes, rows, inputShape) {
      const id = `m${next++}`;
      models.set(id, bytes);
      const plain = rows.map((r) => Array.from(r));
      // Runs in the page: tf and tflite are the globals the <script> tags define.
      const result = await page.evaluate(async ({ url, rows, shape }) => {
        const g = globalThis as unknown as {
          tf: { tensor(v: number[], s: number[], d: string): { dispose(): void }; tidy<T>(f: () => T): T };
          tflite: { loadTFLiteModel(u: string, o: object): Promise<{
            inputs: { dtype: string }[]; outputs: { dtype: string }[];
            predict(x: unknown): { dataSync(): ArrayLike<number>; dispose(): void } }> };
        };
        const model = await g.tflite.loadTFLiteModel(url, { numThreads: 1 });
        const outputs: number[][] = [];
        for (const row of rows) {
          const x = g.tf.tensor(row, shape, 'int32');
          const y = model.predict(x);
          outputs.push(Array.from(y.dataSync()));
          x.dispose();
          y.dispose();
        }
        return { outputs, inputType: model.inputs[0]!.dtype, outputType: model.outputs[0]!.dtype };
      }, { url: `/model/${id}.tflite`, rows: plain, shape: [...inputShape] });
      models.delete(id);
      if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
      return result;
    },
    async close() {
      await context!.close();
      await new Promise<void>((ok) => server.close(() => ok()));
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Agreement of two runtimes' int8 outputs: exact / ±1 / ±2 / larger rates, the worst difference and top-1 agreement. */
export function compareOutputs(a: readonly (readonly number[])[], b: readonly (readonly number[])[]) {
  let exact = 0, one = 0, two = 0, larger = 0, maxDiff = 0, top1 = 0;
  const argmax = (v: readonly number[]) => v.reduce((best, x, i) => (x > v[best]! ? i : best), 0);
  a.forEach((row, r) => {
    const other = b[r]!;
    row.forEach((v, k) => {
      const d = Math.abs(v - other[k]!);
      maxDiff = Math.max(maxDiff, d);
      if (d === 0) exact++; else if (d === 1) one++; else if (d === 2) two++; else larger++;
    });
    if (argmax(row) === argmax(other)) top1++;
  });
  const n = exact + one + two + larger;
  return { values: n, rows: a.length, exact: exact / n, plusMinus1: one / n, plusMinus2: two / n, larger: larger / n, maxDiff, top1: top1 / a.length };
}
