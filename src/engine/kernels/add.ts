/**
 * Elementwise add reference kernel (residual connections): y = a + b, all the same
 * length, no broadcasting. The backward is the identity on both inputs, so the
 * executor passes dy through and there is no backward kernel.
 */
import type { Buf } from './reference.js';

/** a, b, y: same length; y may alias a or b. */
export function addForward(a: Buf, b: Buf, y: Buf): void {
  for (let i = 0; i < y.length; i++) y[i] = a[i] + b[i];
}
