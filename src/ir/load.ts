/** Resolves a `--model` argument: a preset name or a model JSON file. */
import { readFileSync, existsSync } from 'node:fs';
import { MlforgeError } from '../errors.js';
import { closeNames } from '../util/names.js';
import { findPreset, presetNames } from './presets.js';
import { resolveModel, type ResolvedModel } from './shapes.js';

export function loadModelArg(arg: string): ResolvedModel {
  const preset = findPreset(arg);
  if (preset) return resolveModel(preset.build(), `preset ${arg}`);
  if (arg.endsWith('.json') || existsSync(arg)) {
    if (!existsSync(arg)) throw new MlforgeError('NOT_FOUND', `model file ${arg} does not exist`);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(arg, 'utf8'));
    } catch (e) {
      throw new MlforgeError('BAD_INPUT', `${arg}: not valid JSON (${(e as Error).message})`);
    }
    return resolveModel(json, arg);
  }
  throw new MlforgeError('NOT_FOUND', `unknown model preset "${arg}"`,
    `did you mean ${closeNames(arg, presetNames()).join(', ')}? (mlforge presets lists them; or pass a model .json file)`);
}
