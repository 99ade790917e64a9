/**
 * External tools (cc, arm-none-eabi-gcc, arm-none-eabi-size, qemu-system-arm):
 * lookup with an install hint, and an async runner with a timeout whose
 * failures become MlforgeError('TOOL') naming the command and its first
 * lines of stderr.
 */
import { spawn, spawnSync } from 'node:child_process';
import { MlforgeError } from '../errors.js';

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

const HINTS: Readonly<Record<string, string>> = {
  cc: 'install a C compiler (apt-get install gcc) or set CC',
  'arm-none-eabi-gcc': 'install the Arm toolchain: apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi',
  'arm-none-eabi-size': 'install the Arm toolchain: apt-get install gcc-arm-none-eabi binutils-arm-none-eabi',
  'qemu-system-arm': 'install QEMU: apt-get install qemu-system-arm',
};

export function hasTool(name: string): boolean {
  const r = spawnSync(name, ['--version'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

export function requireTool(name: string): void {
  if (!hasTool(name)) throw new MlforgeError('TOOL', `expected ${name} on PATH, found none`, HINTS[name] ?? `install ${name}`);
}

/** Quotes a command line for display (and for copy-paste into a shell). */
export const commandLine = (cmd: string, args: readonly string[]): string =>
  [cmd, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');

export interface RunOptions {
  cwd: string;
  timeoutMs?: number;
  /** Resolve with the result instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
}

export function runTool(cmd: string, args: readonly string[], o: RunOptions): Promise<ToolResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: o.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => { if (stdout.length < 1 << 20) stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { if (stderr.length < 1 << 20) stderr += d.toString(); });
    const timer = o.timeoutMs ? setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, o.timeoutMs) : undefined;
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(new MlforgeError('TOOL', `could not run ${cmd}: ${e.message}`, HINTS[cmd] ?? `install ${cmd}`));
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      const result = { code: code ?? -1, stdout, stderr, ms: Date.now() - started };
      if (timedOut) {
        reject(new MlforgeError('TOOL', `${commandLine(cmd, args)} did not finish within ${o.timeoutMs} ms`, 'raise the timeout or run fewer inputs'));
      } else if (result.code !== 0 && !o.allowFailure) {
        const first = (stderr || stdout).trim().split('\n').slice(0, 6).join(' | ');
        reject(new MlforgeError('TOOL', `${commandLine(cmd, args)} failed with exit code ${result.code}: ${first}`));
      } else {
        resolve(result);
      }
    });
  });
}
