// Core versions are releases (x.y.z); pins, the downgrade rule and the agent's hand-over compare them.

/** A release version: three numbers, nothing else (no `latest`, no pre-release). */
export const releaseVersion = /^\d+\.\d+\.\d+$/;

/** -1, 0 or 1 as `a` is older than, equal to or newer than `b`; undefined unless both are releases. */
export function compareVersions(a: string, b: string): number | undefined {
  if (!releaseVersion.test(a) || !releaseVersion.test(b)) return undefined;
  const [pa, pb] = [a.split('.').map(Number), b.split('.').map(Number)];
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) < (pb[i] ?? 0) ? -1 : 1;
  return 0;
}
