// helm test hooks (helm.sh/hook: test, or the older test-success/test-failure) are run only by
// `helm test`; `helm upgrade` never creates them, so check leaves them out. Charts often write
// them loosely (busybox:latest, no resources): they must not fail a deploy that never makes them.

// One definition for check, diff and the gate.
export { isTestHook } from '../render/hooks.js';
