/**
 * The one error class of MLForge. `code` says what kind of problem it is; the CLI
 * maps codes to exit codes and prints `message` (one line) plus `hint`.
 */
export type ErrorCode =
  | 'BAD_INPUT' // malformed user input: spec, model JSON, CSV, flags
  | 'BAD_SHAPE' // a model graph whose shapes do not connect
  | 'NOT_FOUND' // unknown preset, dataset, board, file
  | 'UNSUPPORTED' // a valid request MLForge cannot do (op, dtype, shape)
  | 'BAD_FILE' // a malformed binary file (weights, .tflite, WAV)
  | 'NUMERIC' // NaN/Inf during training or quantization
  | 'INFEASIBLE' // constraints nothing can meet
  | 'TOOL' // an external tool (cc, qemu) failed
  | 'INTERNAL';

export class MlforgeError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  constructor(code: ErrorCode, message: string, hint?: string) {
    super(message);
    this.name = 'MlforgeError';
    this.code = code;
    this.hint = hint;
  }
}

/** A fast path that cannot handle a case; the dispatcher falls back to the reference. */
export class UnsupportedKernelError extends MlforgeError {
  constructor(message: string) {
    super('UNSUPPORTED', message);
    this.name = 'UnsupportedKernelError';
  }
}

export const isMlforgeError = (e: unknown): e is MlforgeError => e instanceof MlforgeError;
