// The one exit-code table. Documented in the README; every process exit maps to one of these.
export const ExitCode = {
  ok: 0,
  unexpected: 1,
  invalid: 2, // invalid values or usage
  renderFailed: 3,
  policyViolations: 4,
  deployFailed: 5,
  lockHeld: 6, // also: the lock was taken from this run (--break-lock); it stopped before its next write
  pinMismatch: 7, // the core is not the version runlevel.yaml pins, or would downgrade the cluster, or the repo's values contract is newer than this core's
  verifyFailed: 8, // a signature or digest did not verify: a bundle or image changed, unsigned, or another key
  gateFailed: 9, // a rollout stopped at a stage's health gate (or a cluster unreachable); promote refused by one
  interrupted: 130, // SIGINT
  terminated: 143, // SIGTERM
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const exitCodeMeaning: Record<ExitCode, string> = {
  0: 'ok',
  1: 'unexpected error (a bug: please report it)',
  2: "invalid values or usage (also: a values repo behind the core's values contract: run runlevel migrate)",
  3: 'render failed',
  4: 'policy violations',
  5: 'deploy failed',
  6: 'lock held by another deploy, or taken from this one (--break-lock): it stopped before its next write',
  7: 'core version does not match the pin in runlevel.yaml (or would downgrade the cluster, or the values repo is at a newer values contract than this core)',
  8: 'verification failed: a signature or digest does not match (tampered, unsigned, signed by another key, or cosign missing)',
  9: 'stopped at a health gate: a rollout stage whose cluster is unreachable, not ready, drifted or had a failed deploy in its soak (promote refuses for the same)',
  130: 'interrupted (SIGINT)',
  143: 'terminated (SIGTERM)',
};
