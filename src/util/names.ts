/** Close-name suggestions for "unknown X" errors. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length]!;
}

/** Up to `n` known names closest to `name` (substring matches first). */
export function closeNames(name: string, known: readonly string[], n = 3): string[] {
  const q = name.toLowerCase();
  return [...known]
    .map((k) => ({ k, s: k.toLowerCase().includes(q) || q.includes(k.toLowerCase()) ? 0 : editDistance(q, k.toLowerCase()) }))
    .sort((a, b) => a.s - b.s)
    .slice(0, n)
    .map((x) => x.k);
}
