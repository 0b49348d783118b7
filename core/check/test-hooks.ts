// helm test hooks (helm.sh/hook: test, or the older test-success/test-failure) are run only by
// `helm test`; `helm upgrade` never creates them, so check leaves them out. Charts often write
// them loosely (busybox:latest, no resources): they must not fail a deploy that never makes them.
import { relative } from 'node:path';
import type { RenderedObject } from './rendered.js';
import type { KubeconformResult } from './schemas.js';

// One definition for check, diff and the gate.
export { isTestHook } from '../render/hooks.js';

/** kubeconform's results without those for test hooks (it reads every rendered file itself). */
export function withoutTestHooks(
  dir: string,
  hooks: readonly RenderedObject[],
  results: readonly KubeconformResult[],
): KubeconformResult[] {
  if (hooks.length === 0) return [...results];
  const key = (file: string, kind: string, name: string, version: string) =>
    `${file}|${kind}|${name}|${version}`;
  const skip = new Set(hooks.map((o) => key(o.ref.file, o.ref.kind, o.ref.name, o.ref.apiVersion)));
  return results.filter((r) => !skip.has(key(relative(dir, r.filename), r.kind, r.name, r.version)));
}
