/**
 * Float comparison for tests that pin one implementation to another (native vs
 * reference, analytic vs finite-difference gradients). Element i matches when
 * |actual - expected| <= atol + |expected|·rtol; equal values (including equal
 * infinities) always match, NaN never does. On failure the error names the first
 * 5 mismatches and the largest absolute difference.
 *
 * @example
 * expectClose(native, reference, { atol: 1e-5, rtol: 1e-4, label: 'conv2d dw' });
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  opts: { atol: number; rtol: number; label?: string },
): void {
  const { atol, rtol, label = 'values' } = opts;
  if (actual.length !== expected.length) {
    throw new Error(`${label}: expected length ${expected.length}, got ${actual.length}`);
  }
  const first: string[] = [];
  let mismatches = 0;
  let maxDiff = 0;
  let maxAt = -1;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (a === e) continue;
    const diff = Math.abs(a - e);
    if (diff > maxDiff) {
      maxDiff = diff;
      maxAt = i;
    }
    if (diff <= atol + Math.abs(e) * rtol) continue;
    mismatches++;
    if (first.length < 5) {
      first.push(`  [${i}] actual ${a}, expected ${e}, |diff| ${diff}, allowed ${atol + Math.abs(e) * rtol}`);
    }
  }
  if (mismatches > 0) {
    throw new Error(
      `${label}: ${mismatches} of ${expected.length} elements differ (atol ${atol}, rtol ${rtol})\n` +
      `${first.join('\n')}\n` +
      (maxAt >= 0
        ? `  max |diff| ${maxDiff} at [${maxAt}] (actual ${actual[maxAt]}, expected ${expected[maxAt]})`
        : '  max |diff| NaN (every difference involves NaN)'),
    );
  }
}
