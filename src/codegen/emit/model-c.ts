/**
 * model.c: constants (weights, biases, per-op parameter structs), the static
 * arena laid out by the memory plan, and mlforge_invoke — the op sequence in
 * the plan's order calling the kernels of kernels/mlforge_kernels.h.
 */
import type { ConstData } from '../../ir/int8.js';
import type { PreparedOp, TensorInfo } from '../../engine/int8/index.js';
import { DTYPE_BYTES, elementCount } from '../graph.js';
import { cArray, cComment, cFloat, cInt, cString, shapeText } from './c.js';
import { emitFeaturesC, featuresIncludes } from './features.js';
import { emitOp, type OpNames } from './ops.js';
import type { CModel } from './types.js';

const CTYPE = { int8: 'int8_t', int16: 'int16_t', int32: 'int32_t', float32: 'float' } as const;

function constantArray(name: string, comment: string, dtype: keyof typeof CTYPE, data: ConstData): string {
  const literal = dtype === 'float32'
    ? (v: number): string => (Number.isFinite(Math.fround(v)) ? cFloat(v) : '0.0f')
    : cInt;
  return `/* ${comment} */\nstatic const ${CTYPE[dtype]} ${name}[${Math.max(1, data.length)}] = ${cArray(data, literal, dtype === 'int8' ? 20 : 8)};`;
}

function describe(m: CModel, op: PreparedOp): string {
  const t = m.prepared.model.tensors;
  const ins = op.inputs.filter((i) => i >= 0 && !t[i]!.constant).map((i) => shapeText(t[i]!.shape)).join(' + ');
  const plan = m.plan;
  const step = plan.steps.find((s) => s.op === op.index);
  const inPlace = plan.inPlace.some((p) => p.op === op.index) ? ', in place' : '';
  return cComment(`op ${op.index}: ${op.kind} ${ins} -> ${shapeText(t[op.output]!.shape)}${inPlace}; live ${step?.liveBytes ?? 0} B`, 110);
}

export function emitModelC(m: CModel): string {
  const { prepared, plan } = m;
  const model = prepared.model;
  const placed = new Map(plan.tensors.map((p) => [p.tensor, p]));
  const constName = (t: number): string => `mlforge_const${t}`;
  const usedConstants = new Set<number>();

  const arenaPtr = (t: number): string => {
    const p = placed.get(t);
    if (!p) throw new Error(`tensor ${t} is neither planned nor constant`);
    return `(mlforge_arena.bytes + ${p.offset})`;
  };
  const names: OpNames = {
    ptr(t) {
      if (model.tensors[t]!.constant) {
        usedConstants.add(t);
        return constName(t);
      }
      return arenaPtr(t);
    },
    fptr(t) {
      if (model.tensors[t]!.constant) {
        usedConstants.add(t);
        return constName(t);
      }
      return `((float *)(void *)${arenaPtr(t)})`;
    },
    bias(t) {
      if (t < 0) return 'NULL';
      usedConstants.add(t);
      return constName(t);
    },
    scratch(op) {
      const s = plan.scratch.find((x) => x.op === op);
      return s ? `((int16_t *)(void *)(mlforge_arena.bytes + ${s.offset}))` : 'NULL';
    },
    elements: (t) => elementCount(model.tensors[t]!.shape),
    bytes: (t) => elementCount(model.tensors[t]!.shape) * DTYPE_BYTES[model.tensors[t]!.dtype],
    sameStorage: (a, b) => placed.get(a) !== undefined && placed.get(a)?.offset === placed.get(b)?.offset,
  };

  const byIndex = new Map(prepared.ops.map((op) => [op.index, op]));
  const opDecls: string[] = [];
  const calls: string[] = [];
  for (const index of plan.order) {
    const op = byIndex.get(index)!;
    const e = emitOp(op, names);
    if (e.decls.length) opDecls.push(`/* ${describe(m, op)} */`, ...e.decls, '');
    calls.push(`  /* ${describe(m, op)} */`);
    if (e.call.startsWith('status')) calls.push(`  ${e.call}`, '  if (status != MLF_OK) return status;');
    else calls.push(`  ${e.call}`);
  }

  const constants = [...usedConstants].sort((a, b) => a - b).map((t) => {
    const tensor = model.tensors[t]!;
    const data = model.data.get(t);
    if (!data) throw new Error(`constant tensor ${t} has no data`);
    return constantArray(constName(t), `${cComment(tensor.name, 70)} ${shapeText(tensor.shape)} ${tensor.dtype}`, tensor.dtype, data);
  });

  const ioTable = (list: readonly TensorInfo[], kind: string, cv: string): string =>
    `static ${cv}void *const mlforge_${kind}s[${Math.max(1, list.length)}] = { ${list.map((t) => `(${cv}void *)${arenaPtr(t.index)}`).join(', ') || 'NULL'} };`;
  const int8Table = (list: readonly TensorInfo[], kind: string): string => {
    const rows = list.map((t) => (t.dtype === 'int8' ? `{ ${t.size}, ${cFloatOrZero(t.scale)}, ${cInt(t.zeroPoint ?? 0)}, 1 }` : '{ 0, 0.0f, 0, 0 }'));
    return `static const mlforge_io_t mlforge_${kind}_info[${Math.max(1, list.length)}] = { ${rows.join(', ') || '{ 0, 0.0f, 0, 0 }'} };`;
  };

  const labels = m.labels?.length
    ? `const char *const mlforge_labels[MLFORGE_NUM_LABELS] = {\n${m.labels.map((l) => `  ${cString(l)}`).join(',\n')}\n};\n\n`
    : '';

  return `/*
 * model.c — ${cComment(m.name, 80)}, exported by MLForge ${m.version}.
 *
 * ${prepared.ops.length} ops, arena ${plan.arenaBytes} bytes (planner: ${plan.strategy}, ${plan.heuristic};
 * lower bound ${plan.lowerBound}; ${plan.inPlace.length} in-place ops, ${plan.aliases.length} aliases).
 * Requantization: ${prepared.rounding} rounding. Parameters below are the ones
 * MLForge's in-process evaluation uses, printed as constants.
 */
#include <stddef.h>
#include <string.h>

#include "mlforge_kernels.h"
#include "model.h"
${featuresIncludes(m)}
#if defined(__GNUC__) || defined(__clang__)
#define MLFORGE_ALIGNED(n) __attribute__((aligned(n)))
#else
#define MLFORGE_ALIGNED(n)
#endif

/* The activation arena: every tensor and kernel scratch at a planned offset. */
static union {
  int8_t bytes[${Math.max(1, plan.arenaBytes)}];
  int64_t align_;
} mlforge_arena MLFORGE_ALIGNED(${plan.alignment});

/* ---- constants (weights and biases) ---- */
${constants.join('\n\n')}

/* ---- operator parameters ---- */
${opDecls.join('\n')}
${labels}/* ---- graph inputs and outputs ---- */
typedef struct {
  int32_t size;
  float scale;
  int32_t zero_point;
  int32_t is_int8;
} mlforge_io_t;

${ioTable(prepared.inputs, 'input', '')}
${ioTable(prepared.outputs, 'output', 'const ')}
${int8Table(prepared.inputs, 'input')}
${int8Table(prepared.outputs, 'output')}

int32_t mlforge_init(void) {
  return ((uintptr_t)mlforge_arena.bytes % ${plan.alignment}u) == 0 ? MLF_OK : MLF_ERR_ARG;
}

int32_t mlforge_invoke(void) {
  int32_t status = MLF_OK;
${calls.join('\n')}
  return status;
}

void *mlforge_input(int32_t index) {
  return index >= 0 && index < MLFORGE_NUM_INPUTS ? mlforge_inputs[index] : NULL;
}

const void *mlforge_output(int32_t index) {
  return index >= 0 && index < MLFORGE_NUM_OUTPUTS ? mlforge_outputs[index] : NULL;
}

int32_t mlforge_quantize_input(int32_t index, const float *x, int32_t count) {
  const mlforge_io_t *io;
  if (index < 0 || index >= MLFORGE_NUM_INPUTS) return MLF_ERR_ARG;
  io = &mlforge_input_info[index];
  if (!io->is_int8 || count != io->size) return MLF_ERR_ARG;
  return mlf_quantize_f32_s8(x, count, io->scale, io->zero_point, (int8_t *)mlforge_inputs[index]);
}

int32_t mlforge_dequantize_output(int32_t index, float *y, int32_t count) {
  const mlforge_io_t *io;
  if (index < 0 || index >= MLFORGE_NUM_OUTPUTS) return MLF_ERR_ARG;
  io = &mlforge_output_info[index];
  if (!io->is_int8 || count != io->size) return MLF_ERR_ARG;
  return mlf_dequantize_s8_f32((const int8_t *)mlforge_outputs[index], count, io->scale, io->zero_point, y);
}

int32_t mlforge_argmax(int32_t index) {
  const int8_t *y;
  int32_t i, best = 0;
  if (index < 0 || index >= MLFORGE_NUM_OUTPUTS || !mlforge_output_info[index].is_int8) return -1;
  y = (const int8_t *)mlforge_outputs[index];
  for (i = 1; i < mlforge_output_info[index].size; ++i) {
    if (y[i] > y[best]) best = i;
  }
  return best;
}
${emitFeaturesC(m)}`;
}

const cFloatOrZero = (v: number | undefined): string => (v === undefined ? '0.0f' : cFloat(v));
