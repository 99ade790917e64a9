/**
 * Small helpers for printing C99: integer and float literals, array
 * initialisers, safe comments and identifiers. Pure functions, no I/O.
 */

/** An int32 literal that is valid C for every value (INT32_MIN has no literal). */
export function cInt(v: number): string {
  if (!Number.isInteger(v)) throw new Error(`expected an integer for a C literal, got ${v}`);
  if (v === -2147483648) return '(-2147483647 - 1)';
  return String(v);
}

/**
 * A float literal that reads back as exactly Math.fround(v): 9 significant
 * digits round-trip every float32.
 */
export function cFloat(v: number): string {
  const f = Math.fround(v);
  if (!Number.isFinite(f)) throw new Error(`expected a finite float for a C literal, got ${v}`);
  let s = f.toPrecision(9);
  // toPrecision may produce "1.00000000e-7"; C accepts it, and always needs a '.' or 'e' before 'f'.
  if (!/[.e]/.test(s)) s += '.0';
  return `${s}f`;
}

/** Values as a brace initialiser, `perLine` per line, indented by two spaces. */
export function cArray(values: ArrayLike<number>, literal: (v: number) => string = cInt, perLine = 16): string {
  const n = values.length;
  if (n === 0) return '{0}';
  const lines: string[] = [];
  for (let i = 0; i < n; i += perLine) {
    const row: string[] = [];
    for (let j = i; j < Math.min(n, i + perLine); j++) row.push(literal(values[j]!));
    lines.push(`  ${row.join(', ')}`);
  }
  return `{\n${lines.join(',\n')}\n}`;
}

/** Text safe inside a block comment on one line. */
export function cComment(text: string, max = 100): string {
  const clean = text.replace(/[\r\n\t]+/g, ' ').replace(/\*\//g, '* /').replace(/[^\x20-\x7e]/g, '?');
  return clean.length > max ? `${clean.slice(0, max - 3)}...` : clean;
}

/** A C string literal (ASCII; anything else escaped as octal). */
export function cString(text: string): string {
  let out = '"';
  for (const ch of Buffer.from(text, 'utf8')) {
    if (ch === 0x22 || ch === 0x5c) out += `\\${String.fromCharCode(ch)}`;
    else if (ch >= 0x20 && ch < 0x7f && ch !== 0x3f) out += String.fromCharCode(ch);
    else out += `\\${ch.toString(8).padStart(3, '0')}`; // '?' too: no trigraphs
  }
  return `${out}"`;
}

/** An upper-case C identifier fragment from free text. */
export function cMacroName(text: string): string {
  const s = text.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[0-9]/.test(s) ? `M_${s}` : s || 'MODEL';
}

export const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;
