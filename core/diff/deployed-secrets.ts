// The deployed side of a comparison holds the secrets the values on disk have replaced: after a
// rotation the old password is in helm's stored release values and in the live objects, and no
// values file knows it any more. A value helm stored at the same path of a release's values as a
// secret value of today's render is a secret too, so it is masked like one.

type Values = Record<string, unknown>;

/**
 * The deployed leaves (as text) whose path holds a secret in the desired values. `isSecret` says
 * whether a desired leaf holds a secret (the mask's own test, so every form counts).
 */
export function replacedSecrets(
  desired: Values | undefined,
  deployed: Values | undefined,
  isSecret: (text: string) => boolean,
): string[] {
  const out = new Set<string>();
  walk(desired, deployed, isSecret, out, 0);
  return [...out];
}

function walk(
  desired: unknown,
  deployed: unknown,
  isSecret: (text: string) => boolean,
  out: Set<string>,
  depth: number,
) {
  if (depth > 64 || desired === undefined || desired === null || deployed === undefined || deployed === null)
    return;
  if (isLeaf(desired)) {
    if (isLeaf(deployed) && isSecret(String(desired))) out.add(String(deployed));
    return;
  }
  if (Array.isArray(desired) && Array.isArray(deployed)) {
    for (const [i, d] of desired.entries()) walk(d, deployed[i], isSecret, out, depth + 1);
  } else if (isMap(desired) && isMap(deployed)) {
    for (const k of Object.keys(desired)) {
      if (Object.hasOwn(deployed, k)) walk(desired[k], deployed[k], isSecret, out, depth + 1);
    }
  }
}

function isLeaf(v: unknown): v is string | number {
  return typeof v === 'string' || typeof v === 'number';
}

function isMap(v: unknown): v is Values {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
