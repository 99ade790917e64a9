/**
 * example/main.c: runs the model once on an embedded test vector, prints the
 * output bytes and the class, and compares with the bytes MLForge's
 * in-process evaluation produced for the same input (exit 0 when equal).
 * Uses stdio only here; the model itself needs no libc beyond memcpy.
 */
import type { TensorData } from '../../engine/int8/index.js';
import { cArray, cFloat, cInt } from './c.js';
import type { CModel } from './types.js';

const arrayDecl = (name: string, data: TensorData): string =>
  data instanceof Float32Array
    ? `static const float ${name}[${Math.max(1, data.length)}] = ${cArray(data, (v) => (Number.isFinite(v) ? cFloat(v) : '0.0f'), 8)};`
    : `static const int8_t ${name}[${Math.max(1, data.length)}] = ${cArray(data, cInt, 20)};`;

export function emitExampleMain(m: CModel): string {
  const tv = m.testVector;
  if (!tv) throw new Error('expected a test vector for example/main.c');
  const decls = [
    ...tv.inputs.map((x, i) => arrayDecl(`test_input${i}`, x)),
    ...tv.outputs.map((y, i) => arrayDecl(`expected_output${i}`, y)),
  ];
  const feed = tv.inputs.map((_, i) => `  memcpy(mlforge_input(${i}), test_input${i}, sizeof test_input${i});`);
  const check = m.prepared.outputs.map((o, i) => {
    const isInt = o.dtype === 'int8';
    return `  {
    const ${isInt ? 'int8_t' : 'float'} *y = (const ${isInt ? 'int8_t' : 'float'} *)mlforge_output(${i});
    printf("output ${i}:");
    for (i = 0; i < ${o.size}; ++i) printf(${isInt ? '" %d", (int)y[i]' : '" %g", (double)y[i]'});
    printf("\\n");
    if (memcmp(y, expected_output${i}, sizeof expected_output${i}) != 0) mismatches++;
  }`;
  });
  const cls = m.prepared.outputs[0]?.dtype === 'int8'
    ? m.labels?.length
      ? `  printf("class: %d (%s)\\n", (int)mlforge_argmax(0), mlforge_labels[mlforge_argmax(0)]);`
      : '  printf("class: %d\\n", (int)mlforge_argmax(0));'
    : '';
  return `/*
 * example/main.c — runs ${m.name.replace(/\*\//g, '')} once on an embedded test vector.
 * Expected bytes: MLForge in-process evaluation (${tv.backend} kernels) of the same input.
 * Build: make && ./example/main
 */
#include <stdio.h>
#include <string.h>

#include "model.h"

${decls.join('\n\n')}

int main(void) {
  int32_t i, status;
  int mismatches = 0;
  if (mlforge_init() != 0) {
    printf("mlforge_init failed\\n");
    return 2;
  }
${feed.join('\n')}
  status = mlforge_invoke();
  if (status != 0) {
    printf("mlforge_invoke failed: %d\\n", (int)status);
    return 2;
  }
${check.join('\n')}
${cls}
  printf("%s\\n", mismatches == 0 ? "matches the in-process evaluation" : "DIFFERS from the in-process evaluation");
  return mismatches == 0 ? 0 : 1;
}
`;
}
