/** Learning-rate schedules as pure functions of the step. */
import { z } from 'zod';

export const ScheduleConfig = z.object({
  kind: z.enum(['constant', 'cosine', 'step']).default('cosine'),
  /** Linear warm-up from 0 over this many steps. */
  warmupSteps: z.number().int().min(0).default(0),
  /** step schedule: multiply by `gamma` every `stepEvery` steps. */
  stepEvery: z.number().int().positive().default(1000),
  gamma: z.number().positive().default(0.1),
  /** cosine: final learning rate as a fraction of the base. */
  minFactor: z.number().min(0).max(1).default(0.01),
}).strict();
export type ScheduleConfig = z.infer<typeof ScheduleConfig>;

export function learningRate(s: ScheduleConfig, base: number, step: number, totalSteps: number): number {
  if (step < s.warmupSteps) return (base * (step + 1)) / s.warmupSteps;
  const t = step - s.warmupSteps;
  const span = Math.max(1, totalSteps - s.warmupSteps);
  switch (s.kind) {
    case 'constant': return base;
    case 'step': return base * s.gamma ** Math.floor(t / s.stepEvery);
    case 'cosine': {
      const p = Math.min(1, t / span);
      return base * (s.minFactor + (1 - s.minFactor) * 0.5 * (1 + Math.cos(Math.PI * p)));
    }
  }
}
