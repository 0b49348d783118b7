// Shared by the task e2e tests: the real cluster the runner started (KUBECONFIG), team namespaces
// with a random suffix per test file so files never collide, and a short way to run a task.
import { randomBytes } from 'node:crypto';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { isConflict, isNotFound } from '../../core/shared/kube.js';
import { getTask, runTask } from '../../core/tasks/index.js';
import type { TaskResult } from '../../core/tasks/types.js';
import { resolvedValues, type ValuesSettings } from './resolved-values.js';

export function cluster() {
  const file = process.env.KUBECONFIG;
  if (!file) throw new Error('KUBECONFIG is not set: run the e2e tier through test/run.ts');
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  return { kc, core: kc.makeApiClient(CoreV1Api), kubeconfig: file };
}

/** A lower-case id that keeps names DNS-1123 labels. */
export function uid(): string {
  return randomBytes(3).toString('hex');
}

export async function createNamespace(core: CoreV1Api, name: string, labels: Record<string, string> = {}) {
  try {
    await core.createNamespace({ body: { metadata: { name, labels } } });
  } catch (err) {
    if (!isConflict(err)) throw err;
  }
}

export async function deleteNamespaces(core: CoreV1Api, names: string[]) {
  for (const name of names) {
    try {
      await core.deleteNamespace({ name });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

export async function ignoreNotFound(call: () => Promise<unknown>) {
  try {
    await call();
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** Runs a task by name through the real runner, as the deploy engine does. */
export function runNamed(
  name: string,
  values: ValuesSettings,
  opts: { args?: string[]; timeoutMs?: number; attempts?: number } = {},
): Promise<TaskResult> {
  const { kc } = cluster();
  const ctx = {
    kc,
    values: resolvedValues(values),
    cluster: 'e2e',
    signal: new AbortController().signal,
    args: opts.args ?? [],
  };
  return runTask(getTask(name), ctx, {
    backoffMs: 50,
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.attempts ? { attempts: opts.attempts } : {}),
  });
}

export function teamsValues(teams: string[], extra: ValuesSettings = {}): ValuesSettings {
  return { teams: Object.fromEntries(teams.map((t) => [t, {}])), ...extra };
}

export async function rejection(p: Promise<unknown>): Promise<Error & { exitCode?: number; hint?: string }> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}
