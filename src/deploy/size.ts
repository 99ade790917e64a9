/**
 * Memory figures of a Cortex-M image: section sizes from `arm-none-eabi-size
 * -A` (the linker script keeps .text, .rodata, .data, .bss apart), and the
 * share of the model itself (model.o plus the kernel objects) from the GNU ld
 * map file, after --gc-sections dropped what nothing uses.
 */
export interface SectionSizes {
  text: number;
  rodata: number;
  data: number;
  bss: number;
}

export const emptySizes = (): SectionSizes => ({ text: 0, rodata: 0, data: 0, bss: 0 });

const KIND: Readonly<Record<string, keyof SectionSizes>> = {
  '.text': 'text', '.vectors': 'text', '.ARM.exidx': 'text', '.rodata': 'rodata', '.data': 'data', '.bss': 'bss',
};

/** Parses `size -A` output. */
export function parseSizeA(out: string): SectionSizes {
  const s = emptySizes();
  for (const line of out.split('\n')) {
    const m = /^(\.\S+)\s+(\d+)\s+(\d+)/.exec(line.trim());
    if (!m) continue;
    const kind = KIND[m[1]!];
    if (kind) s[kind] += Number(m[2]);
  }
  return s;
}

/**
 * Bytes per object file and section kind from a GNU ld map file ("Linker
 * script and memory map" part: an output section at column 0, then input
 * sections " .text.name  0xADDR  0xSIZE  file", possibly wrapped after the name).
 */
export function parseMapFile(map: string): Map<string, SectionSizes> {
  const perFile = new Map<string, SectionSizes>();
  const start = map.indexOf('Linker script and memory map');
  const lines = (start >= 0 ? map.slice(start) : map).split('\n');
  let current: keyof SectionSizes | undefined;
  let pendingName: string | undefined;
  for (const line of lines) {
    const out = /^(\.[\w.]+)/.exec(line);
    if (out) {
      const name = out[1]!;
      current = KIND[name] ?? (name.startsWith('.text') ? 'text' : undefined);
      pendingName = undefined;
      continue;
    }
    if (!current) continue;
    const one = /^ (\.\S+)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S.*)$/.exec(line);
    const nameOnly = /^ (\.\S+)\s*$/.exec(line);
    const cont = /^\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S.*)$/.exec(line);
    let size: number | undefined;
    let file: string | undefined;
    if (one) {
      size = parseInt(one[2]!, 16);
      file = one[3]!;
    } else if (nameOnly) {
      pendingName = nameOnly[1];
      continue;
    } else if (cont && pendingName) {
      size = parseInt(cont[1]!, 16);
      file = cont[2]!;
    }
    pendingName = undefined;
    if (size === undefined || !file || size === 0) continue;
    const entry = perFile.get(file) ?? emptySizes();
    entry[current] += size;
    perFile.set(file, entry);
  }
  return perFile;
}

export function sumSizes(list: Iterable<SectionSizes>): SectionSizes {
  const s = emptySizes();
  for (const x of list) {
    s.text += x.text;
    s.rodata += x.rodata;
    s.data += x.data;
    s.bss += x.bss;
  }
  return s;
}
