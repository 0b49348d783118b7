// What the tasks read from the merged values (TaskContext.values, a Pick of ResolvedValues).
import type { Policy } from '../values/index.js';
import type { TaskValues } from './types.js';

/** Team names in a stable order. */
export function teamNames(values: Pick<TaskValues, 'teams'>): string[] {
  return Object.keys(values.teams).sort();
}

export function teamNamespace(team: string): string {
  return `team-${team}`;
}

export function pullSecretEnabled(values: TaskValues): boolean {
  return values.platform.registry.pullSecret.enabled;
}

/** Policy ids whose values grant `team` an exception, sorted. */
export function policyExceptionsOf(values: TaskValues, team: string): string[] {
  return Object.entries(values.platform.policies)
    .filter(([, p]: [string, Policy]) => p.exceptions.teams.includes(team))
    .map(([id]) => id)
    .sort();
}
