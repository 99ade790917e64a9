/**
 * The Cortex-M targets MLForge runs under QEMU: one MPS2 FPGA image per core,
 * with the memory map QEMU models for it (code in SSRAM1, data in SSRAM2/3)
 * and the frequency of the SysTick processor clock.
 *
 * Deliberately not here: peripherals (no UART — I/O goes through semihosting).
 */
export const CORTEX_M_TARGETS = ['cortex-m3', 'cortex-m4', 'cortex-m7', 'cortex-m33'] as const;
export type CortexMTarget = (typeof CORTEX_M_TARGETS)[number];
export type Target = 'host' | CortexMTarget;
export const TARGETS: readonly Target[] = ['host', ...CORTEX_M_TARGETS];

export interface Mps2Board {
  readonly target: CortexMTarget;
  /** qemu-system-arm -machine */
  readonly machine: string;
  /** gcc -mcpu and qemu -cpu */
  readonly cpu: string;
  /** Code + constants (QEMU loads the ELF here; the vector table sits at its start). */
  readonly flash: { origin: number; length: number };
  /** Data, bss and stack. */
  readonly ram: { origin: number; length: number };
  /** SysTick processor clock in Hz (25 MHz on AN385/386/500, 20 MHz on AN505). */
  readonly sysclkHz: number;
  /** Has the DSP extension (SMLAD): the kernels' packed-MAC paths compile in. */
  readonly dsp: boolean;
}

const MiB = 1024 * 1024;

export const MPS2_BOARDS: Readonly<Record<CortexMTarget, Mps2Board>> = {
  'cortex-m3': { target: 'cortex-m3', machine: 'mps2-an385', cpu: 'cortex-m3', flash: { origin: 0x0, length: 4 * MiB }, ram: { origin: 0x20000000, length: 4 * MiB }, sysclkHz: 25e6, dsp: false },
  'cortex-m4': { target: 'cortex-m4', machine: 'mps2-an386', cpu: 'cortex-m4', flash: { origin: 0x0, length: 4 * MiB }, ram: { origin: 0x20000000, length: 4 * MiB }, sysclkHz: 25e6, dsp: true },
  'cortex-m7': { target: 'cortex-m7', machine: 'mps2-an500', cpu: 'cortex-m7', flash: { origin: 0x0, length: 4 * MiB }, ram: { origin: 0x20000000, length: 4 * MiB }, sysclkHz: 25e6, dsp: true },
  // AN505 (SSE-200) boots secure: code in the secure alias of SSRAM1, data in the secure alias of SSRAM2.
  'cortex-m33': { target: 'cortex-m33', machine: 'mps2-an505', cpu: 'cortex-m33', flash: { origin: 0x10000000, length: 4 * MiB }, ram: { origin: 0x38000000, length: 2 * MiB }, sysclkHz: 20e6, dsp: true },
};

export const isTarget = (t: string): t is Target => (TARGETS as readonly string[]).includes(t);
