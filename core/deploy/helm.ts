// The releases stay real Helm releases: installed, upgraded, rolled back and uninstalled by
// the pinned helm, so `helm list -A` and `helm history` tell the same story as runlevel.
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ToolError } from '../shared/errors.js';
import { run, trimStderr } from '../shared/exec.js';
import { ExitCode } from '../shared/exit-codes.js';
import { coreRoot } from '../shared/paths.js';
import type { HelmRelease } from './plan.js';

export interface HelmTarget {
  kubeconfig: string;
}

const kube = (t: HelmTarget) => ['--kubeconfig', t.kubeconfig];

export async function helmList(t: HelmTarget): Promise<HelmRelease[]> {
  const r = await run(
    'helm',
    ['list', '--all-namespaces', '--all', '--output', 'json', '--max', '0', ...kube(t)],
    {
      exitCode: ExitCode.deployFailed,
      timeoutMs: 60_000,
    },
  );
  const rows = JSON.parse(String(r.stdout) || '[]') as {
    name: string;
    namespace: string;
    revision: string;
    status: string;
    chart: string;
  }[];
  return rows.map((x) => ({
    name: x.name,
    namespace: x.namespace,
    revision: Number(x.revision),
    status: x.status,
    chart: x.chart,
  }));
}

/**
 * helm upgrade --install with the release's merged values on stdin (values can carry decrypted
 * secrets: they never touch disk). No --wait: runlevel's own readiness gate waits per runlevel,
 * for all releases at once. Returns the new revision.
 */
export async function helmUpgrade(
  t: HelmTarget,
  release: { name: string; namespace: string; chartPath: string; values: Record<string, unknown> },
  timeoutMs: number,
): Promise<number> {
  const args = ['upgrade', '--install', release.name, join(coreRoot, release.chartPath)];
  args.push('--namespace', release.namespace, '--create-namespace', '--values', '-', '--history-max', '10');
  args.push('--timeout', `${Math.ceil(timeoutMs / 1000)}s`, ...kube(t));
  // check already validated every object against the API server's own OpenAPI schemas; helm's
  // second validation fetches and parses the whole OpenAPI document per release (~60% of helm's CPU).
  args.push('--output', 'json', '--disable-openapi-validation');
  const r = await run('helm', args, {
    input: stringify(release.values),
    reject: false,
    timeoutMs,
    uninterruptible: true,
  });
  if (r.failed) throw helmFailure('upgrade', release.name, r);
  return (JSON.parse(String(r.stdout)) as { version: number }).version;
}

export async function helmRollback(
  t: HelmTarget,
  name: string,
  namespace: string,
  revision: number,
): Promise<void> {
  const r = await run('helm', ['rollback', name, String(revision), '--namespace', namespace, ...kube(t)], {
    reject: false,
    uninterruptible: true,
    timeoutMs: 120_000,
  });
  if (r.failed) throw helmFailure('rollback', name, r);
}

export async function helmUninstall(t: HelmTarget, name: string, namespace: string): Promise<void> {
  const r = await run(
    'helm',
    ['uninstall', name, '--namespace', namespace, '--ignore-not-found', ...kube(t)],
    {
      reject: false,
      uninterruptible: true,
      timeoutMs: 120_000,
    },
  );
  if (r.failed) throw helmFailure('uninstall', name, r);
}

function helmFailure(
  verb: string,
  name: string,
  r: { stderr: unknown; exitCode?: number; timedOut?: boolean; isCanceled?: boolean },
): ToolError {
  const why = r.timedOut
    ? 'timed out'
    : r.isCanceled
      ? 'was cancelled'
      : trimStderr(String(r.stderr ?? '')) || `exit ${r.exitCode}`;
  return new ToolError(`helm ${verb} ${name} failed: ${why}`, { exitCode: ExitCode.deployFailed });
}

/**
 * The manifest helm stored with the release's current revision (what `helm upgrade` applied),
 * or undefined when helm has no such release. Read-only: used by `runlevel diff`.
 */
export async function helmGetManifest(
  t: HelmTarget,
  name: string,
  namespace: string,
): Promise<string | undefined> {
  const r = await run('helm', ['get', 'manifest', name, '--namespace', namespace, ...kube(t)], {
    reject: false,
    timeoutMs: 60_000,
  });
  if (!r.failed) return String(r.stdout);
  if (/release: not found/i.test(String(r.stderr ?? ''))) return undefined;
  throw helmFailure('get manifest', name, r);
}
