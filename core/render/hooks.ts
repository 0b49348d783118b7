// helm test hooks (helm.sh/hook: test, or the older test-success/test-failure) run only under
// `helm test`; `helm upgrade` never creates them, so check, diff and the gate leave them out.
const testHooks = new Set(['test', 'test-success', 'test-failure']);

export function isTestHook(body: Record<string, unknown>): boolean {
  const annotations = (body.metadata as { annotations?: Record<string, unknown> } | undefined)?.annotations;
  const hook = annotations?.['helm.sh/hook'];
  return typeof hook === 'string' && hook.split(',').some((h) => testHooks.has(h.trim()));
}
