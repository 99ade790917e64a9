/**
 * Deployment checks: build exported C for the host or an MPS2 Cortex-M board,
 * run it (QEMU for Cortex-M), compare with in-process evaluation, and measure
 * instructions per inference and memory sections.
 *
 * @example
 * import { verify } from './deploy/index.js';
 * const report = await verify(model, { target: 'cortex-m4', inputs: 100 });
 */
export { randomRawWindows, type FrontEndReport } from './features-verify.js';
export { readRawWindows } from './raw-windows.js';
export { verify, int8Macs, type VerifyOptions, type VerifyReport, type InstructionCount, type Mismatch } from './verify.js';
export { buildHarness, targetFlags, WARNINGS, type BuildResult, type CompileOptions } from './compile.js';
export { runQemu, qemuArgs, type QemuOptions, type QemuRun } from './qemu.js';
export { parseMapFile, parseSizeA, type SectionSizes } from './size.js';
export { hasTool, requireTool, runTool, commandLine, type ToolResult } from './toolchain.js';
export * from './cortex-m/index.js';
