/**
 * The commented example spec that `mlforge init` writes. Every field is shown
 * and explained; a test resolves this text, so it stays valid as the schema moves.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { MlforgeError } from '../errors.js';
import { AUGMENT_DEFAULTS, specJsonSchema } from './schema.js';

export const DEFAULT_SPEC_FILE = 'mlforge.yaml';
export const DEFAULT_SCHEMA_FILE = 'mlforge.schema.json';

export const EXAMPLE_SPEC = `# yaml-language-server: $schema=./${DEFAULT_SCHEMA_FILE}
# MLForge forge spec. \`mlforge forge ${DEFAULT_SPEC_FILE}\` searches for the best int8
# model for this task, dataset and board within the budget, and exports it.
# Flags override the file: --dataset, --board, --budget, --out, --seed.
# Editor completion: \`mlforge init --schema ${DEFAULT_SCHEMA_FILE}\` writes the JSON
# Schema named on the first line.

# Run name, used in reports and the default output folder. Default: this file's name.
name: digits

# What to learn: classification (one label per sample) or anomaly_detection
# (learn what is normal, then score how unusual a sample is).
task: classification

# The data: a built-in dataset (mnist, fashion-mnist), a .csv file (numeric
# feature columns plus a label column) or a folder. Paths are relative to this
# file. A plain value works too:   dataset: mnist
dataset:
  source: mnist
  # CSV only: the label column, by name or 0-based index
  # (default: a column named label/class/target, else the last one).
  # label: label
  # Fractions held out for validation (model selection) and for the final test.
  split:
    val: 0.1
    test: 0.1
  # Loader-specific options, passed through unchanged.
  # options: {}

# The target: a Zephyr board name (\`mlforge boards\` lists them), or a board of
# your own with the same fields, for example:
# board:
#   name: my_board
#   core: cortex-m4        # cortex-m0plus|m3|m4|m7|m33|m55|m85, xtensa-lx7, riscv32
#   defaultClockHz: 80MHz
#   sramBytes: 128KB
#   flashBytes: 512KB
#   fpu: sp                # none, sp (single precision) or dp (double)
#   dsp: true
#   helium: false
board: nrf52840dk/nrf52840

# Extra board definitions (same fields as above) that board: or --board may name.
# boards:
#   - name: my_other_board
#     core: cortex-m33
#     defaultClockHz: 100MHz
#     sramBytes: 256KB
#     flashBytes: 1MiB

# What a model must fit. Each limit is optional: SRAM and flash default to the
# board's figures minus a reserve for the RTOS and your application
# (SRAM 12 KiB + 15%, flash 48 KiB + 10%, each at most half of the board);
# latency has no default. Sizes: 262144, "256KB", "1MiB" (K = 1024).
# Times: 50 (milliseconds), "50ms", "0.2s".
constraints:
  # sramBytes: 160KB     # peak SRAM: the activation arena plus buffers
  # flashBytes: 512KB    # weights plus the kernels' code
  latencyMs: 100ms       # one inference, at the board's default clock
  # reserve:             # what the defaults above leave to the rest of the firmware
  #   sramBytes: 32KB
  #   flashBytes: 128KB

# What "best" means. maximize: accuracy (classification) or auc (anomaly
# detection), always measured on the int8 model. minimize: costs to trade
# against it (all costs are on the Pareto front either way). weights rank
# candidates: score = w * metric - sum of w_cost * cost / limit
# (defaults: 1 for the metric, 0.1 for each minimised cost).
objectives:
  maximize: accuracy
  minimize: [latency, sram]
  weights:
    accuracy: 1
    latency: 0.2
    sram: 0.1

# When to stop: wall time ("20m", "1h30m", or seconds) and/or a number of trained
# candidates, whichever comes first. Default: 30 minutes.
budget:
  time: 20m
  trials: 40

# The search. families: architectures it may propose, from ds-cnn,
# mobilenet-v2, cnn, cnn1d, mlp (default: all). planner: builtin (a hardware-aware
# search that needs nothing) or llm (a language model proposes and explains).
search:
  families: [cnn, ds-cnn, mobilenet-v2, mlp]
  planner: builtin

# WAV and time-series folders only: the feature block that runs on the device
# before the network (its SRAM, flash and latency count against the limits).
# One block, or a list the search chooses from; default: MFCC/log-mel choices
# for audio, per-axis statistics with 0-32 FFT bands for motion. Raw-data
# options go under dataset.options (audio: sampleRate, length; series:
# window, stride, normal = the label of normal data for anomaly_detection).
# features:
#   - { kind: mfcc, sampleRate: 16000, inputLength: 16000, frameLength: 640, frameStride: 320, numCoeffs: 10 }
#   - { kind: logmel, sampleRate: 16000, inputLength: 16000, frameLength: 512, frameStride: 256, melBins: 32 }

# WAV folders only: training-data augmentation before the feature block.
# Each training clip gets this many perturbed copies, each played
# 1/(1+warp) to 1+warp times as fast (pitch, formants and tempo: new voices)
# and shifted by up to shiftMs. copies: 0 turns it off.
# augment: { copies: ${AUGMENT_DEFAULTS.copies}, warp: ${AUGMENT_DEFAULTS.warp}, shiftMs: ${AUGMENT_DEFAULTS.shiftMs} }

# Random seed for the data split, weight initialisation and the search. Default 0.
seed: 0

# Output folder (models, C code, projects, report), relative to this file.
# Default: out/<name>.
out: out/digits
`;

/**
 * Writes the example spec and/or the JSON Schema; refuses to overwrite an
 * existing file unless `force`. When both are written, the spec's first line
 * points at the schema. Returns the absolute paths written.
 */
export function writeInitFiles(o: { specFile?: string; schemaFile?: string; force?: boolean; cwd?: string }): string[] {
  const cwd = o.cwd ?? process.cwd();
  const targets = [o.specFile, o.schemaFile].filter((f): f is string => f !== undefined).map((f) => resolve(cwd, f));
  for (const t of targets) {
    if (existsSync(t) && !o.force) throw new MlforgeError('BAD_INPUT', `${relative(cwd, t) || t} already exists; pass --force to overwrite it`);
  }
  const written: string[] = [];
  if (o.schemaFile !== undefined) {
    const file = resolve(cwd, o.schemaFile);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(specJsonSchema(), null, 2) + '\n');
    written.push(file);
  }
  if (o.specFile !== undefined) {
    const file = resolve(cwd, o.specFile);
    let text = EXAMPLE_SPEC;
    if (o.schemaFile !== undefined) {
      const rel = relative(dirname(file), resolve(cwd, o.schemaFile)).split('\\').join('/');
      text = text.replace(/^# yaml-language-server: \$schema=.*$/m, `# yaml-language-server: $schema=${rel.startsWith('.') ? rel : `./${rel}`}`);
    }
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    written.push(file);
  }
  return written;
}
