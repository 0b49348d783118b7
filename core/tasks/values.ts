// What the tasks read from the merged values. TaskContext.values is loosely typed (the deploy engine
// and `runlevel task` pass ResolvedValues), so every read tolerates a missing branch.
import type { ResolvedValues } from '../values/index.js';

type Values = Record<string, unknown>;
type PartialValues = {
  teams?: Partial<ResolvedValues['teams']>;
  platform?: {
    registry?: { pullSecret?: { enabled?: boolean } };
    policies?: Record<string, { exceptions?: { teams?: string[] } } | undefined>;
  };
};

/** Team names in a stable order. */
export function teamNames(values: Values): string[] {
  return Object.keys((values as PartialValues).teams ?? {}).sort();
}

export function teamNamespace(team: string): string {
  return `team-${team}`;
}

export function pullSecretEnabled(values: Values): boolean {
  return (values as PartialValues).platform?.registry?.pullSecret?.enabled === true;
}

/** Policy ids whose values grant `team` an exception, sorted. */
export function policyExceptionsOf(values: Values, team: string): string[] {
  const policies = (values as PartialValues).platform?.policies ?? {};
  return Object.entries(policies)
    .filter(([, p]) => p?.exceptions?.teams?.includes(team))
    .map(([id]) => id)
    .sort();
}
