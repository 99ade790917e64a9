/*
 * Minimal Cortex-M startup for the kernel harness under QEMU (mps2-an386,
 * Cortex-M4): vector table, .data/.bss init, semihosting output and exit.
 */
#include <stddef.h>
#include <stdint.h>

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
int main(void);

static int semihost(int op, const void *arg) {
  register int r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

void harness_write(const char *s) { semihost(0x04, s); /* SYS_WRITE0 */ }

/* SYS_EXIT with ADP_Stopped_ApplicationExit (status 0) or ADP_Stopped_RunTimeErrorUnknown. */
void harness_exit(int code) {
  semihost(0x18, (const void *)(uintptr_t)(code == 0 ? 0x20026u : 0x20023u));
  for (;;) {
  }
}

void Reset_Handler(void) {
  uint32_t *src = &_sidata, *dst = &_sdata;
  while (dst < &_edata) *dst++ = *src++;
  for (dst = &_sbss; dst < &_ebss;) *dst++ = 0;
  harness_exit(main());
}

void Default_Handler(void) { harness_exit(99); }

__attribute__((section(".vectors"), used)) void (*const vectors[16])(void) = {
    (void (*)(void))(&_estack), Reset_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, 0, 0, 0, 0, Default_Handler, Default_Handler, 0, Default_Handler, Default_Handler,
};
