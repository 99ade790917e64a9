/**
 * The board database: what MLForge needs to know about a target to cost a model
 * on it: core, clocks, memory an application can use, FPU/DSP/Helium, and the
 * QEMU machine that emulates it (if any). Boards are keyed by their Zephyr
 * (hardware model v2) name, so `west build -b <name>` builds the exported app.
 *
 * Figures are facts with a source each: "memory usable by the application" is
 * the region Zephyr's devicetree gives the linker (`zephyr,sram`, `zephyr,flash`
 * or the code partition), not the chip total; `notes` says what else is there.
 * Reserves for the RTOS and the application are applied later, by the spec.
 *
 * This file is data plus a lookup; it is deliberately not a cost model.
 */
import { z } from 'zod';
import { MlforgeError } from '../errors.js';
import { closeNames } from '../util/names.js';

export const CORES = [
  'cortex-m0plus', 'cortex-m3', 'cortex-m4', 'cortex-m7', 'cortex-m33', 'cortex-m55', 'cortex-m85', 'xtensa-lx7', 'riscv32',
] as const;
export const Core = z.enum(CORES);
export type Core = z.infer<typeof Core>;

/** Scalar floating point: none, single precision only, or single + double. */
export const Fpu = z.enum(['none', 'sp', 'dp']);
export type Fpu = z.infer<typeof Fpu>;

const source = z.string().min(3);
/** Where each figure comes from (a datasheet or a Zephyr file/doc, by name). */
export const BoardSources = z.strictObject({
  core: source,
  defaultClockHz: source,
  maxClockHz: source,
  sramBytes: source,
  flashBytes: source,
  /** fpu, dsp and helium. */
  features: source,
  qemuMachine: source,
});
export type BoardSources = z.infer<typeof BoardSources>;

/**
 * Fields of a board, shared by the database schema below and the spec's inline
 * board (which also accepts "256KB" and "64MHz"; see src/spec/schema.ts).
 */
export const BoardFields = {
  name: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_./+-]*$/, { error: 'expected a board name of letters, digits and _ . / + -' })
    .describe('Zephyr board target, e.g. nrf52840dk/nrf52840'),
  aliases: z.array(z.string().min(1)).default([]).describe('other names that find this board (older Zephyr names)'),
  vendor: z.string().min(1).optional(),
  soc: z.string().min(1).optional().describe('the chip, e.g. nRF52840'),
  core: Core,
  defaultClockHz: z.number().int().positive().describe('core clock the Zephyr board configures, in Hz'),
  maxClockHz: z.number().int().positive().describe('highest core clock the chip is rated for, in Hz'),
  sramBytes: z.number().int().positive().describe('SRAM the application can use (Zephyr zephyr,sram region), bytes'),
  flashBytes: z.number().int().positive().describe('flash the application image can use, bytes'),
  fpu: Fpu.describe('scalar FPU: none, sp (single precision) or dp (double precision)'),
  dsp: z.boolean().describe('SIMD/DSP instructions for int8 kernels (Arm DSP extension; ESP32-S3 PIE)'),
  helium: z.boolean().describe('Arm Helium (M-profile Vector Extension)'),
  qemuMachine: z.string().min(1).nullable().default(null).describe('qemu-system-* -machine that emulates this board'),
  notes: z.string().optional(),
  sources: BoardSources.optional(),
};

/** Cross-field rules every board obeys, built in or user defined. */
export function boardRules(b: { core: Core; defaultClockHz: number; maxClockHz?: number; helium: boolean; fpu: Fpu; dsp: boolean }, ctx: z.RefinementCtx): void {
  if (b.maxClockHz !== undefined && b.maxClockHz < b.defaultClockHz) {
    ctx.addIssue({ code: 'custom', path: ['maxClockHz'], message: `expected maxClockHz ≥ defaultClockHz (${b.defaultClockHz} Hz), got ${b.maxClockHz}` });
  }
  if (b.helium && b.core !== 'cortex-m55' && b.core !== 'cortex-m85') {
    ctx.addIssue({ code: 'custom', path: ['helium'], message: `Helium exists only on cortex-m55 and cortex-m85, not ${b.core}` });
  }
  if ((b.core === 'cortex-m0plus' || b.core === 'cortex-m3') && (b.fpu !== 'none' || b.dsp)) {
    ctx.addIssue({ code: 'custom', path: ['fpu'], message: `${b.core} has neither an FPU nor the DSP extension` });
  }
}

export const Board = z.strictObject(BoardFields).superRefine(boardRules);
/** A resolved board: every figure present. */
export type Board = z.output<typeof Board>;
export type BoardInput = z.input<typeof Board>;

const kib = (n: number) => n * 1024;
const mib = (n: number) => n * 1024 * 1024;
const mhz = (n: number) => n * 1_000_000;

const ZB = (path: string) => `Zephyr boards/${path}`;
const ZD = (path: string) => `Zephyr dts/${path}`;
const ARM_CORE = 'Arm core feature set (Cortex-M4/M7 always have the DSP extension; M0+/M3 have no FPU or DSP)';
const QEMU_MPS2 = 'QEMU docs/system/arm/mps2.rst (mps2-an385, -an386, -an500, -an521, mps3-an547)';
const NO_QEMU = 'no upstream QEMU machine emulates this board';

const DATA: BoardInput[] = [
  {
    name: 'nrf52840dk/nrf52840', aliases: ['nrf52840dk_nrf52840'], vendor: 'Nordic', soc: 'nRF52840',
    core: 'cortex-m4', defaultClockHz: mhz(64), maxClockHz: mhz(64), sramBytes: kib(256), flashBytes: kib(1024),
    fpu: 'sp', dsp: true, helium: false, qemuMachine: null,
    sources: {
      core: 'nRF52840 Product Specification (64 MHz Arm Cortex-M4 with FPU)', defaultClockHz: 'nRF52840 Product Specification (fixed 64 MHz CPU clock)',
      maxClockHz: 'nRF52840 Product Specification', sramBytes: ZB('nordic/nrf52840dk/nrf52840dk_nrf52840.yaml (ram: 256)'),
      flashBytes: ZB('nordic/nrf52840dk/nrf52840dk_nrf52840.yaml (flash: 1024)'), features: 'nRF52840 Product Specification (Cortex-M4F)', qemuMachine: NO_QEMU,
    },
  },
  {
    name: 'arduino_nano_33_ble', aliases: ['arduino_nano_33_ble/nrf52840'], vendor: 'Arduino', soc: 'nRF52840',
    core: 'cortex-m4', defaultClockHz: mhz(64), maxClockHz: mhz(64), sramBytes: kib(256), flashBytes: kib(928),
    fpu: 'sp', dsp: true, helium: false, qemuMachine: null,
    notes: 'flash 0x0-0x10000 holds the Arduino (sam-ba) bootloader and 32 KiB at the end the storage partition',
    sources: {
      core: 'nRF52840 Product Specification', defaultClockHz: 'nRF52840 Product Specification (fixed 64 MHz CPU clock)', maxClockHz: 'nRF52840 Product Specification',
      sramBytes: 'nRF52840 Product Specification (256 KB RAM)', flashBytes: ZB('arduino/nano_33_ble/arduino_nano_33_ble-common.dtsi (code_partition 0x10000, size 0xe8000)'),
      features: 'nRF52840 Product Specification (Cortex-M4F)', qemuMachine: NO_QEMU,
    },
  },
  {
    name: 'nrf5340dk/nrf5340/cpuapp', aliases: ['nrf5340dk_nrf5340_cpuapp'], vendor: 'Nordic', soc: 'nRF5340 (application core)',
    core: 'cortex-m33', defaultClockHz: mhz(64), maxClockHz: mhz(128), sramBytes: kib(448), flashBytes: kib(1024),
    fpu: 'sp', dsp: true, helium: false, qemuMachine: null,
    notes: '512 KiB on chip; Zephyr leaves 64 KiB to the network core IPC; 128 MHz needs nrfx_clock_divider_set(HFCLK, DIV_1)',
    sources: {
      core: ZB('nordic/nrf5340dk/doc/index.rst (Cortex-M33F with DSP instructions and FPU)'),
      defaultClockHz: 'nRF5340 Product Specification (HFCLKCTRL resets to DIV2, 64 MHz); Zephyr samples switch to 128 MHz with nrfx_clock_divider_set',
      maxClockHz: ZB('nordic/nrf5340dk/doc/index.rst (up to 128 MHz)'), sramBytes: ZB('nordic/nrf5340dk/nrf5340dk_nrf5340_cpuapp.yaml (ram: 448)'),
      flashBytes: ZB('nordic/nrf5340dk/nrf5340dk_nrf5340_cpuapp.yaml (flash: 1024)'), features: 'Zephyr soc Kconfig SOC_NRF5340_CPUAPP (CPU_HAS_FPU, ARMV8_M_DSP)', qemuMachine: NO_QEMU,
    },
  },
  {
    name: 'nrf54l15dk/nrf54l15/cpuapp', vendor: 'Nordic', soc: 'nRF54L15 (application core)',
    core: 'cortex-m33', defaultClockHz: mhz(128), maxClockHz: mhz(128), sramBytes: kib(188), flashBytes: kib(1428),
    fpu: 'sp', dsp: true, helium: false, qemuMachine: null, notes: 'flash is RRAM',
    sources: {
      core: 'nRF54L15 Product Specification (128 MHz Arm Cortex-M33)', defaultClockHz: 'nrfx SystemInit for nRF54L (128 MHz unless NRF_CONFIG_CPU_FREQ_MHZ says otherwise)',
      maxClockHz: 'nRF54L15 Product Specification', sramBytes: ZB('nordic/nrf54l15dk/nrf54l15dk_nrf54l15_cpuapp.yaml (ram: 188)'),
      flashBytes: ZB('nordic/nrf54l15dk/nrf54l15dk_nrf54l15_cpuapp.yaml (flash: 1428)'), features: 'nRF54L15 Product Specification (Cortex-M33 with FPU and DSP)', qemuMachine: NO_QEMU,
    },
  },
  {
    name: 'nucleo_f746zg', vendor: 'ST', soc: 'STM32F746ZG',
    core: 'cortex-m7', defaultClockHz: mhz(192), maxClockHz: mhz(216), sramBytes: kib(256), flashBytes: kib(1024),
    fpu: 'sp', dsp: true, helium: false, qemuMachine: null, notes: '320 KiB on chip: the 64 KiB DTCM is a separate zephyr,dtcm region',
    sources: {
      core: ZB('st/nucleo_f746zg/doc/index.rst (Cortex-M7 CPU with FPU)'), defaultClockHz: ZB('st/nucleo_f746zg/nucleo_f746zg.dts (rcc clock-frequency 192 MHz)'),
      maxClockHz: 'STM32F746xx datasheet (frequency up to 216 MHz)', sramBytes: ZB('st/nucleo_f746zg/nucleo_f746zg.yaml (ram: 256)'),
      flashBytes: ZB('st/nucleo_f746zg/nucleo_f746zg.yaml (flash: 1024)'), features: 'STM32F746xx datasheet (single-precision FPU, DSP instructions)', qemuMachine: NO_QEMU,
    },
  },
  {
    name: 'stm32h747i_disco/stm32h747xx/m7', aliases: ['stm32h747i_disco_m7'], vendor: 'ST', soc: 'STM32H747XI (Cortex-M7 core)',
    core: 'cortex-m7', defaultClockHz: mhz(400), maxClockHz: mhz(480), sramBytes: kib(512), flashBytes: kib(1024),
    fpu: 'dp', dsp: true, helium: false, qemuMachine: null, notes: 'AXI SRAM; the M7 gets flash bank 1 (the chip has 2 MiB and 1 MiB SRAM in all)',
    sources: {
      core: ZB('st/stm32h747i_disco/stm32h747i_disco_stm32h747xx_m7.dts (stm32h747Xi_m7.dtsi)'),
      defaultClockHz: ZB('st/stm32h747i_disco/stm32h747i_disco_stm32h747xx_m7.dts (rcc clock-frequency 400 MHz)'),
      maxClockHz: 'STM32H747xI datasheet (Cortex-M7 up to 480 MHz)', sramBytes: ZB('st/stm32h747i_disco/stm32h747i_disco_stm32h747xx_m7.yaml (ram: 512)'),
      flashBytes: ZB('st/stm32h747i_disco/stm32h747i_disco_stm32h747xx_m7.yaml (flash: 1024)'), features: 'STM32H747xI datasheet (double-precision FPU, DSP instructions)', qemuMachine: NO_QEMU,
    },
  },
  {
    name: 'nucleo_h743zi', vendor: 'ST', soc: 'STM32H743ZI',
    core: 'cortex-m7', defaultClockHz: mhz(480), maxClockHz: mhz(480), sramBytes: kib(512), flashBytes: kib(2048),
    fpu: 'dp', dsp: true, helium: false, qemuMachine: null, notes: 'AXI SRAM; DTCM and SRAM1-4 are separate regions',
    sources: {
      core: 'STM32H743xI datasheet (Arm Cortex-M7)', defaultClockHz: ZB('st/nucleo_h743zi/nucleo_h743zi.dts (rcc clock-frequency 480 MHz)'),
      maxClockHz: 'STM32H743xI datasheet (up to 480 MHz)', sramBytes: ZB('st/nucleo_h743zi/nucleo_h743zi.yaml (ram: 512)'),
      flashBytes: ZB('st/nucleo_h743zi/nucleo_h743zi.yaml (flash: 2048)'), features: 'STM32H743xI datasheet (double-precision FPU, DSP instructions)', qemuMachine: NO_QEMU,
    },
  },
  {
    name: 'nucleo_l4r5zi', vendor: 'ST', soc: 'STM32L4R5ZI',
    core: 'cortex-m4', defaultClockHz: mhz(80), maxClockHz: mhz(120), sramBytes: kib(192), flashBytes: kib(2048),
    fpu: 'sp', dsp: true, helium: false, qemuMachine: null,
    notes: 'the MLPerf Tiny reference board; 640 KiB on chip (SRAM1 192 + SRAM2 64 + SRAM3 384), Zephyr links SRAM1 only unless an overlay merges them',
    sources: {
      core: ZB('st/nucleo_l4r5zi/doc/index.rst (Cortex-M4 CPU with FPU, frequency up to 120 MHz)'),
      defaultClockHz: ZB('st/nucleo_l4r5zi/nucleo_l4r5zi.dts (rcc clock-frequency 80 MHz)'), maxClockHz: ZB('st/nucleo_l4r5zi/doc/index.rst (up to 120 MHz)'),
      sramBytes: ZB('st/nucleo_l4r5zi/nucleo_l4r5zi.yaml (ram: 192)'), flashBytes: ZB('st/nucleo_l4r5zi/nucleo_l4r5zi.yaml (flash: 2048)'),
      features: ZB('st/nucleo_l4r5zi/doc/index.rst (FPU, DSP instructions)'), qemuMachine: NO_QEMU,
    },
  },
  {
    name: 'disco_l475_iot1', vendor: 'ST', soc: 'STM32L475VG',
    core: 'cortex-m4', defaultClockHz: mhz(80), maxClockHz: mhz(80), sramBytes: kib(96), flashBytes: kib(1024),
    fpu: 'sp', dsp: true, helium: false, qemuMachine: null, notes: '128 KiB on chip: the 32 KiB SRAM2 is not in zephyr,sram',
    sources: {
      core: 'STM32L475xx datasheet (Arm Cortex-M4 with FPU, 80 MHz)', defaultClockHz: ZB('st/disco_l475_iot1/disco_l475_iot1.dts (rcc clock-frequency 80 MHz)'),
      maxClockHz: 'STM32L475xx datasheet (up to 80 MHz)', sramBytes: ZB('st/disco_l475_iot1/disco_l475_iot1.yaml (ram: 96)'),
      flashBytes: ZB('st/disco_l475_iot1/disco_l475_iot1.yaml (flash: 1024)'), features: 'STM32L475xx datasheet (FPU, DSP instructions)', qemuMachine: NO_QEMU,
    },
  },
  {
    name: 'nucleo_u575zi_q', vendor: 'ST', soc: 'STM32U575ZI',
    core: 'cortex-m33', defaultClockHz: mhz(160), maxClockHz: mhz(160), sramBytes: kib(786), flashBytes: kib(2048),
    fpu: 'sp', dsp: true, helium: false, qemuMachine: null,
    sources: {
      core: 'STM32U575xx datasheet (Arm Cortex-M33 with FPU, 160 MHz)', defaultClockHz: ZB('st/nucleo_u575zi_q/nucleo_u575zi_q-common.dtsi (rcc clock-frequency 160 MHz)'),
      maxClockHz: 'STM32U575xx datasheet (up to 160 MHz)', sramBytes: ZB('st/nucleo_u575zi_q/nucleo_u575zi_q.yaml (ram: 786)'),
      flashBytes: ZB('st/nucleo_u575zi_q/nucleo_u575zi_q.yaml (flash: 2048)'), features: 'STM32U575xx datasheet (FPU, DSP instructions)', qemuMachine: NO_QEMU,
    },
  },
  {
    name: 'nucleo_g071rb', vendor: 'ST', soc: 'STM32G071RB',
    core: 'cortex-m0plus', defaultClockHz: mhz(64), maxClockHz: mhz(64), sramBytes: kib(36), flashBytes: kib(128),
    fpu: 'none', dsp: false, helium: false, qemuMachine: null,
    sources: {
      core: 'STM32G071xB datasheet (Arm Cortex-M0+ up to 64 MHz)', defaultClockHz: ZB('st/nucleo_g071rb/nucleo_g071rb.dts (rcc clock-frequency 64 MHz)'),
      maxClockHz: 'STM32G071xB datasheet (up to 64 MHz)', sramBytes: ZB('st/nucleo_g071rb/nucleo_g071rb.yaml (ram: 36)'),
      flashBytes: ZB('st/nucleo_g071rb/nucleo_g071rb.yaml (flash: 128)'), features: ARM_CORE, qemuMachine: NO_QEMU,
    },
  },
  {
    name: 'rpi_pico', aliases: ['rpi_pico/rp2040'], vendor: 'Raspberry Pi', soc: 'RP2040',
    core: 'cortex-m0plus', defaultClockHz: mhz(125), maxClockHz: mhz(133), sramBytes: kib(264), flashBytes: kib(2048),
    fpu: 'none', dsp: false, helium: false, qemuMachine: null, notes: 'dual core; flash is the external 2 MiB QSPI chip',
    sources: {
      core: ZD('arm/raspberrypi/rpi_pico/rp2040.dtsi (arm,cortex-m0+)'), defaultClockHz: ZD('arm/raspberrypi/rpi_pico/rp2040.dtsi (clk_sys 125000000)'),
      maxClockHz: 'RP2040 datasheet (up to 133 MHz)', sramBytes: ZB('raspberrypi/rpi_pico/rpi_pico.yaml (ram: 264)'),
      flashBytes: ZB('raspberrypi/rpi_pico/rpi_pico.yaml (flash: 2048)'), features: ARM_CORE, qemuMachine: NO_QEMU,
    },
  },
  {
    name: 'rpi_pico2/rp2350a/m33', aliases: ['rpi_pico2'], vendor: 'Raspberry Pi', soc: 'RP2350A (Cortex-M33 cores)',
    core: 'cortex-m33', defaultClockHz: mhz(150), maxClockHz: mhz(150), sramBytes: kib(520), flashBytes: kib(4096),
    fpu: 'sp', dsp: true, helium: false, qemuMachine: null, notes: 'dual core; flash is the external 4 MiB QSPI chip',
    sources: {
      core: ZB('raspberrypi/rpi_pico2/rpi_pico2_rp2350a_m33.yaml (Raspberry Pi Pico 2, Cortex-M33)'), defaultClockHz: ZD('arm/raspberrypi/rpi_pico/rp2350.dtsi (clk_sys 150000000)'),
      maxClockHz: 'RP2350 datasheet (150 MHz)', sramBytes: ZB('raspberrypi/rpi_pico2/rpi_pico2_rp2350a_m33.yaml (ram: 520)'),
      flashBytes: ZB('raspberrypi/rpi_pico2/rpi_pico2_rp2350a_m33.yaml (flash: 4096)'), features: 'RP2350 datasheet (Cortex-M33 with FPU and DSP extension)', qemuMachine: NO_QEMU,
    },
  },
  {
    name: 'esp32s3_devkitc/esp32s3/procpu', aliases: ['esp32s3_devkitc'], vendor: 'Espressif', soc: 'ESP32-S3 (ESP32-S3-WROOM-1 N8)',
    core: 'xtensa-lx7', defaultClockHz: mhz(240), maxClockHz: mhz(240), sramBytes: kib(416), flashBytes: kib(1344),
    fpu: 'sp', dsp: true, helium: false, qemuMachine: null,
    notes: '512 KiB SRAM on chip (zephyr,sram is SRAM1); flash is the slot0 partition of the 8 MiB module flash; dsp = the PIE vector extension',
    sources: {
      core: ZD('xtensa/espressif/esp32s3/esp32s3_common.dtsi (espressif,xtensa-lx7)'), defaultClockHz: ZD('xtensa/espressif/esp32s3/esp32s3_common.dtsi (clock-frequency 240 MHz)'),
      maxClockHz: ZB('espressif/esp32s3_devkitc/doc/index.rst (running up to 240MHz)'), sramBytes: ZD('xtensa/espressif/esp32s3/esp32s3_common.dtsi (sram1 416 KiB, chosen zephyr,sram)'),
      flashBytes: ZD('common/espressif/partitions_0x0_amp_4M.dtsi (slot0_partition 1344 KiB)'),
      features: 'ESP32-S3 Technical Reference Manual (single-precision FPU, PIE vector instructions for AI acceleration)', qemuMachine: 'only Espressif\'s QEMU fork emulates ESP32-S3',
    },
  },
  {
    name: 'esp32c3_devkitm', aliases: ['esp32c3_devkitm/esp32c3'], vendor: 'Espressif', soc: 'ESP32-C3 (ESP32-C3-MINI-1)',
    core: 'riscv32', defaultClockHz: mhz(160), maxClockHz: mhz(160), sramBytes: kib(320), flashBytes: kib(1024),
    fpu: 'none', dsp: false, helium: false, qemuMachine: null, notes: 'RV32IMC; 400 KiB SRAM on chip (16 KiB cache); flash is the slot0 partition of 4 MiB',
    sources: {
      core: ZD('riscv/espressif/esp32c3/esp32c3_common.dtsi (riscv,isa rv32imc_zicsr)'), defaultClockHz: ZD('riscv/espressif/esp32c3/esp32c3_common.dtsi (clock-frequency 160 MHz)'),
      maxClockHz: ZB('espressif/common/soc-esp32c3-features.rst (maximum clock speed of 160 MHz)'), sramBytes: ZD('riscv/espressif/esp32c3/esp32c3_common.dtsi (sram0 0x50000)'),
      flashBytes: ZB('espressif/esp32c3_devkitm/esp32c3_devkitm.dts (slot0_partition 0x100000)'), features: ZD('riscv/espressif/esp32c3/esp32c3_common.dtsi (rv32imc: no F or P extension)'), qemuMachine: NO_QEMU,
    },
  },
  {
    name: 'ek_ra8m1', vendor: 'Renesas', soc: 'RA8M1 (R7FA8M1AHECBD)',
    core: 'cortex-m85', defaultClockHz: mhz(480), maxClockHz: mhz(480), sramBytes: kib(896), flashBytes: kib(2016),
    fpu: 'dp', dsp: true, helium: true, qemuMachine: null, notes: '1 MiB SRAM on chip including 128 KiB TCM',
    sources: {
      core: ZD('arm/renesas/ra/ra8/ra8x1.dtsi (arm,cortex-m85)'), defaultClockHz: ZD('arm/renesas/ra/ra8/r7fa8m1xh.dtsi (pllp 480 MHz, cpuclk div 1)'),
      maxClockHz: ZB('renesas/ek_ra8m1/doc/index.rst (480MHz Arm Cortex-M85)'), sramBytes: ZD('arm/renesas/ra/ra8/ra8x1.dtsi (sram0 896 KiB)'),
      flashBytes: ZD('arm/renesas/ra/ra8/r7fa8m1ahecbd.dtsi (flash0 2016 KiB code flash)'), features: 'RA8M1 Group User\'s Manual: Hardware (Cortex-M85 with FPU, Helium and TrustZone)', qemuMachine: NO_QEMU,
    },
  },
  {
    name: 'qemu_cortex_m3', aliases: ['qemu_cortex_m3/ti_lm3s6965'], vendor: 'QEMU', soc: 'TI LM3S6965 (emulated)',
    core: 'cortex-m3', defaultClockHz: mhz(12), maxClockHz: mhz(50), sramBytes: kib(64), flashBytes: kib(256),
    fpu: 'none', dsp: false, helium: false, qemuMachine: 'lm3s6965evb',
    sources: {
      core: ZD('arm/ti/lm3s6965.dtsi (arm,cortex-m3)'), defaultClockHz: ZD('arm/ti/lm3s6965.dtsi (sysclk 12000000)'), maxClockHz: 'LM3S6965 datasheet (50 MHz Cortex-M3)',
      sramBytes: ZB('qemu/cortex_m3/qemu_cortex_m3_ti_lm3s6965.yaml (ram: 64)'), flashBytes: ZB('qemu/cortex_m3/qemu_cortex_m3_ti_lm3s6965.yaml (flash: 256)'),
      features: ARM_CORE, qemuMachine: ZB('qemu/cortex_m3/board.cmake (-machine lm3s6965evb)'),
    },
  },
  {
    name: 'mps2/an385', aliases: ['mps2_an385'], vendor: 'Arm', soc: 'MPS2 FPGA image AN385',
    core: 'cortex-m3', defaultClockHz: mhz(25), maxClockHz: mhz(25), sramBytes: mib(4), flashBytes: mib(4),
    fpu: 'none', dsp: false, helium: false, qemuMachine: 'mps2-an385',
    sources: {
      core: ZB('arm/mps2/mps2_an385.dts (arm,cortex-m3)'), defaultClockHz: ZB('arm/mps2/mps2_an385.dts (sysclk 25000000); QEMU hw/arm/mps2.c SYSCLK_FRQ'),
      maxClockHz: 'QEMU hw/arm/mps2.c (SYSCLK_FRQ 25000000)', sramBytes: ZB('arm/mps2/mps2_an385.dts (sram0 0x400000)'), flashBytes: ZB('arm/mps2/mps2_an385.dts (flash0 0x400000)'),
      features: ARM_CORE, qemuMachine: `${ZB('arm/mps2/board.cmake (-machine mps2-an385)')}; ${QEMU_MPS2}`,
    },
  },
  {
    name: 'mps2/an386', aliases: ['mps2_an386'], vendor: 'Arm', soc: 'MPS2 FPGA image AN386',
    core: 'cortex-m4', defaultClockHz: mhz(25), maxClockHz: mhz(25), sramBytes: mib(4), flashBytes: mib(4),
    fpu: 'sp', dsp: true, helium: false, qemuMachine: 'mps2-an386', notes: 'Zephyr runs this board on the Arm FVP; QEMU emulates it too',
    sources: {
      core: ZB('arm/mps2/mps2_an386.dts (arm,cortex-m4f)'), defaultClockHz: ZB('arm/mps2/mps2_base.dtsi (sysclk 25000000)'), maxClockHz: 'QEMU hw/arm/mps2.c (SYSCLK_FRQ 25000000)',
      sramBytes: ZB('arm/mps2/mps2_base.dtsi (sram0 0x400000)'), flashBytes: ZB('arm/mps2/mps2_base.dtsi (flash0 0x400000)'),
      features: `Zephyr soc/arm/mps2/Kconfig (SOC_MPS2_AN386 selects CPU_HAS_VFP); ${ARM_CORE}`, qemuMachine: QEMU_MPS2,
    },
  },
  {
    name: 'mps2/an500', aliases: ['mps2_an500'], vendor: 'Arm', soc: 'MPS2 FPGA image AN500',
    core: 'cortex-m7', defaultClockHz: mhz(25), maxClockHz: mhz(25), sramBytes: mib(4), flashBytes: mib(4),
    fpu: 'none', dsp: true, helium: false, qemuMachine: 'mps2-an500', notes: 'Zephyr does not enable an FPU on AN500; Zephyr runs it on the Arm FVP, QEMU emulates it too',
    sources: {
      core: ZB('arm/mps2/mps2_an500.dts (arm,cortex-m7)'), defaultClockHz: ZB('arm/mps2/mps2_base.dtsi (sysclk 25000000)'), maxClockHz: 'QEMU hw/arm/mps2.c (SYSCLK_FRQ 25000000)',
      sramBytes: ZB('arm/mps2/mps2_base.dtsi (sram0 0x400000)'), flashBytes: ZB('arm/mps2/mps2_base.dtsi (flash0 0x400000)'),
      features: `Zephyr soc/arm/mps2/Kconfig (SOC_MPS2_AN500 selects no CPU_HAS_FPU); ${ARM_CORE}`, qemuMachine: QEMU_MPS2,
    },
  },
  {
    name: 'mps2/an521/cpu0', aliases: ['mps2/an521', 'mps2_an521'], vendor: 'Arm', soc: 'MPS2 FPGA image AN521 (SSE-200, CPU0)',
    core: 'cortex-m33', defaultClockHz: mhz(20), maxClockHz: mhz(20), sramBytes: mib(4), flashBytes: mib(4),
    fpu: 'none', dsp: false, helium: false, qemuMachine: 'mps2-an521', notes: 'CPU0 of the SSE-200 has no FPU or DSP (CPU1 has both); Zephyr\'s devicetree gives 25 MHz, the peripheral clock',
    sources: {
      core: ZB('arm/mps2/mps2_an521_cpu0.dts (arm,cortex-m33)'), defaultClockHz: 'QEMU hw/arm/mps2-tz.c mps2tz_an521_class_init (sysclk_frq 20 MHz)',
      maxClockHz: 'QEMU hw/arm/mps2-tz.c mps2tz_an521_class_init (sysclk_frq 20 MHz)', sramBytes: ZB('arm/mps2/mps2_an521_cpu0.yaml (ram: 4096)'),
      flashBytes: ZB('arm/mps2/mps2_an521_cpu0.yaml (flash: 4096)'), features: 'Zephyr soc/arm/mps2/Kconfig (only SOC_MPS2_AN521_CPU1 selects CPU_HAS_FPU and ARMV8_M_DSP)',
      qemuMachine: `${ZB('arm/mps2/board.cmake (-machine mps2-an521)')}; ${QEMU_MPS2}`,
    },
  },
  {
    name: 'mps3/corstone300/an547', aliases: ['mps3_an547', 'mps3/an547'], vendor: 'Arm', soc: 'MPS3 FPGA image AN547 (Corstone-300)',
    core: 'cortex-m55', defaultClockHz: mhz(32), maxClockHz: mhz(32), sramBytes: kib(512), flashBytes: kib(512),
    fpu: 'dp', dsp: true, helium: true, qemuMachine: 'mps3-an547', notes: 'code in ITCM, data in DTCM; 2 MiB SRAM and 4 MiB ISRAM exist as further regions; 25 MHz in Zephyr\'s devicetree is the APB clock',
    sources: {
      core: ZB('arm/mps3/mps3_corstone300_an547.dts (arm,cortex-m55)'), defaultClockHz: 'QEMU hw/arm/mps2-tz.c mps3tz_an547_class_init (sysclk_frq 32 MHz)',
      maxClockHz: 'QEMU hw/arm/mps2-tz.c mps3tz_an547_class_init (sysclk_frq 32 MHz)', sramBytes: ZB('arm/mps3/mps3_corstone300_an547.yaml (ram: 512, zephyr,sram = DTCM)'),
      flashBytes: ZB('arm/mps3/mps3_corstone300_an547.yaml (flash: 512, zephyr,flash = ITCM)'),
      features: 'Zephyr soc/arm/mps3/Kconfig (SOC_MPS3_CORSTONE300: CPU_HAS_FPU, ARMV8_M_DSP, ARMV8_1_M_MVEI, ARMV8_1_M_MVEF); Cortex-M55 FPU has double precision',
      qemuMachine: `${ZB('arm/mps3/board.cmake (-machine mps3-an547)')}; ${QEMU_MPS2}`,
    },
  },
];

/** Every built-in board, validated once at load (a bad entry is a bug, so it throws). */
export const BOARDS: readonly Board[] = Object.freeze(DATA.map((d) => {
  const b = Board.parse(d);
  return Object.freeze({ ...b, aliases: Object.freeze([...b.aliases]), sources: b.sources && Object.freeze({ ...b.sources }) }) as Board;
}));

export const boardNames = (extra: readonly Board[] = []): string[] => [...extra, ...BOARDS].map((b) => b.name);

/**
 * The board called `name`: user boards in `extra` first (they may redefine a
 * built-in one), then the database; exact name, then alias, then case-insensitive.
 * @example findBoard('nrf52840dk/nrf52840').sramBytes // 262144
 */
export function findBoard(name: string, extra: readonly Board[] = []): Board {
  const all = [...extra, ...BOARDS];
  const lower = name.toLowerCase();
  const hit = all.find((b) => b.name === name) ?? all.find((b) => b.aliases.includes(name))
    ?? all.find((b) => b.name.toLowerCase() === lower || b.aliases.some((a) => a.toLowerCase() === lower));
  if (hit) return hit;
  const known = [...new Set(all.flatMap((b) => [b.name, ...b.aliases]))];
  const close = [...new Set(closeNames(name, known, 4).map((n) => all.find((b) => b.name === n || b.aliases.includes(n))!.name))];
  throw new MlforgeError('NOT_FOUND', `unknown board "${name}" (closest: ${close.join(', ')})`,
    '`mlforge boards` lists the known boards; a spec can define its own board (same fields) instead of naming one');
}
