// Everything runlevel deployed, removed in reverse runlevel order under the deploy lock;
// runlevel-system (lock, record, and the namespace itself) goes last.
import { createInterface } from 'node:readline/promises';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { helmList, helmUninstall } from '../../deploy/helm.js';
import { acquireLock, systemNamespace } from '../../deploy/lock.js';
import type { HelmRelease } from '../../deploy/plan.js';
import { summaryTable } from '../../deploy/progress.js';
import {
  closeAbandoned,
  type DeployedRelease,
  type DeployRecord,
  readRecord,
  releaseKey,
  updateRecord,
  upsertDeploy,
} from '../../deploy/record.js';
import { UserError } from '../../shared/errors.js';
import { shutdown } from '../../shared/exec.js';
import { ExitCode } from '../../shared/exit-codes.js';
import { isNotFound, loadKubeConfig, shortError, withRetry } from '../../shared/kube.js';
import { log } from '../../shared/log.js';
import type { Command } from '../command.js';
import type { ResolvedConfig } from '../config.js';
import { concurrencyFlag } from '../flags.js';
import { kubeconfigFile, renderResolved, resolveFromConfig, valuesCommit } from '../pipeline.js';
import { coreVersion } from './version.js';

export const command: Command = {
  summary: 'uninstall every release runlevel deployed, in reverse runlevel order, then runlevel-system',
  usage:
    'runlevel destroy --cluster C [--yes]\n\n' +
    'Asks you to type the cluster name to confirm; without a terminal it refuses (exit 2) unless\n' +
    '--yes is given. Takes the deploy lock, uninstalls the releases of the last runlevel first\n' +
    '(those of one runlevel in parallel), and deletes the runlevel-system namespace last.',
  options: {
    yes: { type: 'boolean', short: 'y', env: 'RUNLEVEL_YES', help: 'do not ask for confirmation' },
    concurrency: {
      type: 'string',
      env: 'RUNLEVEL_CONCURRENCY',
      help: 'releases uninstalled at once per runlevel (default 4)',
    },
  },
  async run({ config, flags }) {
    const started = Date.now();
    const yes = flags.yes === true;
    if (!yes && !process.stdin.isTTY) {
      throw new UserError(`refusing to destroy ${config.cluster ?? 'the cluster'} without confirmation`, {
        exitCode: ExitCode.invalid,
        hint: 'run it in a terminal to confirm by typing the cluster name, or pass --yes (RUNLEVEL_YES=true)',
      });
    }
    const concurrency = concurrencyFlag(flags) ?? 4;
    const kubeconfig = kubeconfigFile(config);
    const kc = loadKubeConfig(kubeconfig);
    const helm = { kubeconfig };
    const server = kc.getCurrentCluster()?.server ?? 'unknown server';

    const [record, helmReleases, rendered] = await Promise.all([
      readRecord(kc),
      helmList(helm),
      renderedNames(config),
    ]);
    const cluster = rendered.cluster ?? config.cluster ?? 'cluster';
    const batches = planDestroy(Object.values(record.releases), rendered.releases, helmReleases);
    const total = batches.reduce((n, b) => n + b.releases.length, 0);

    if (!yes) await confirm(cluster, server, total);
    log.start(`destroying ${cluster} (${server}): ${total} releases in ${batches.length} runlevels`);

    const lock = await acquireLock(kc, {
      holder: {
        valuesCommit: await valuesCommit(config.valuesDir),
        coreVersion: coreVersion(),
        command: 'destroy',
      },
    });
    const startedAt = new Date(started);
    const entry: DeployRecord = {
      id: `${startedAt.getTime().toString(36)}-${process.pid}`,
      command: 'destroy',
      cluster,
      coreVersion: coreVersion(),
      valuesCommit: await valuesCommit(config.valuesDir),
      started: startedAt.toISOString(),
      ended: '',
      outcome: 'running',
      releases: [],
    };
    const rows: { name: string; runlevel: string; action: string; seconds: number }[] = [];
    let namespaceGone = false;
    try {
      await updateRecord(kc, (r) => {
        closeAbandoned(r, entry.started);
        upsertDeploy(r, entry);
      });
      for (const batch of batches) {
        if (shutdown.signal.aborted) {
          entry.failure = {
            runlevel: batch.runlevel,
            step: 'interrupted',
            message: 'stopped before this runlevel',
          };
          break;
        }
        const t = Date.now();
        log.event({
          kind: 'runlevel',
          mark: 'start',
          message: `runlevel ${batch.runlevel}: uninstalling ${batch.releases.length} release${batch.releases.length === 1 ? '' : 's'}`,
          data: { runlevel: batch.runlevel, state: 'start', releases: batch.releases.length },
        });
        entry.at = batch.runlevel;
        const results = await eachLimited(batch.releases, concurrency, (r) => uninstallOne(kc, helm, r));
        rows.push(...results);
        entry.releases.push(
          ...results.map((r) => ({
            runlevel: r.runlevel,
            name: r.name,
            // The record's vocabulary has no "uninstalled": a release removed on purpose is "pruned".
            action: r.action === 'uninstalled' ? ('pruned' as const) : ('failed' as const),
            seconds: r.seconds,
          })),
        );
        const failed = results.find((r) => r.action === 'failed');
        if (failed) {
          entry.failure = {
            runlevel: batch.runlevel,
            release: failed.name,
            step: 'uninstall',
            message: failed.error ?? '',
          };
          break; // earlier runlevels stay: what later runlevels need is still there
        }
        log.event({
          kind: 'runlevel',
          mark: 'done',
          message: `runlevel ${batch.runlevel} removed (${((Date.now() - t) / 1000).toFixed(1)}s)`,
          data: { runlevel: batch.runlevel, state: 'done', seconds: (Date.now() - t) / 1000 },
        });
      }
    } finally {
      entry.at = undefined;
      entry.ended = new Date().toISOString();
      entry.outcome = entry.failure ? (shutdown.signal.aborted ? 'interrupted' : 'failed') : 'succeeded';
      await updateRecord(kc, (r) => upsertDeploy(r, entry)).catch(() => undefined);
      // runlevel-system goes while we still hold the lock: no deploy can slip in between the last
      // uninstall and the deletion. The lease goes with the namespace; release() is then a no-op.
      if (!entry.failure) namespaceGone = await deleteSystemNamespace(kc);
      await lock.release();
    }

    const seconds = (Date.now() - started) / 1000;
    if (config.output === 'json') log.writeData(JSON.stringify(entry, null, 2));
    else log.info(`\n${summaryTable(rows, seconds)}`);
    if (entry.failure) {
      if (entry.outcome === 'interrupted') return ExitCode.interrupted;
      throw new UserError(
        `destroy failed at ${entry.failure.runlevel ?? ''} / ${entry.failure.release ?? entry.failure.step}: ${entry.failure.message}`,
        {
          exitCode: ExitCode.deployFailed,
          hint: 'earlier runlevels and runlevel-system were kept; fix the cause and run destroy again',
        },
      );
    }
    if (!namespaceGone)
      log.warn(`${systemNamespace} is still terminating; it disappears once its objects are gone`);
    log.done(`destroyed ${cluster} in ${seconds.toFixed(1)}s`);
    return ExitCode.ok;
  },
};

export interface DestroyTarget {
  runlevel: string;
  name: string;
  namespace: string;
}

/**
 * What to uninstall, one batch per runlevel, last runlevel first (pure). Every release the record
 * says runlevel deployed, plus releases the current render names that helm has (a deploy that
 * crashed before recording them); nothing else helm lists is touched.
 */
export function planDestroy(
  recorded: readonly DeployedRelease[],
  rendered: readonly DestroyTarget[],
  helm: readonly HelmRelease[],
): { runlevel: string; releases: DestroyTarget[] }[] {
  const inHelm = new Set(helm.map(releaseKey));
  const chosen = new Map<string, DestroyTarget>();
  for (const r of recorded)
    chosen.set(releaseKey(r), { runlevel: r.runlevel, name: r.name, namespace: r.namespace });
  for (const r of rendered)
    if (inHelm.has(releaseKey(r)) && !chosen.has(releaseKey(r))) chosen.set(releaseKey(r), r);
  const byRunlevel = new Map<string, DestroyTarget[]>();
  for (const r of chosen.values()) byRunlevel.set(r.runlevel, [...(byRunlevel.get(r.runlevel) ?? []), r]);
  return [...byRunlevel]
    .sort(([a], [b]) => b.localeCompare(a))
    .map(([runlevel, releases]) => ({
      runlevel,
      releases: releases.sort((a, b) => a.name.localeCompare(b.name)),
    }));
}

/** The releases the values on disk render; a destroy still works when the values do not. */
async function renderedNames(
  config: ResolvedConfig,
): Promise<{ cluster?: string; releases: DestroyTarget[] }> {
  try {
    const resolved = await resolveFromConfig(config);
    const rendered = await renderResolved(config, resolved);
    return {
      cluster: resolved.cluster,
      releases: rendered.releases.map((r) => ({
        runlevel: r.runlevel,
        name: r.name,
        namespace: r.namespace,
      })),
    };
  } catch (err) {
    log.warn(
      `the values did not render (${(err as Error).message.split('\n')[0]}); destroying what the record lists`,
    );
    return { releases: [] };
  }
}

async function confirm(cluster: string, server: string, releases: number): Promise<void> {
  log.warn(
    `this uninstalls ${releases} releases from cluster ${cluster} (${server}) and deletes ${systemNamespace}`,
  );
  log.info(`type the cluster name (${cluster}) to confirm:`);
  const rl = createInterface({ input: process.stdin, terminal: false });
  try {
    const answer = await new Promise<string>((resolve) => {
      rl.once('line', resolve);
      rl.once('close', () => resolve(''));
    });
    if (answer.trim() !== cluster) {
      throw new UserError(`not confirmed: "${answer.trim()}" is not ${cluster}; nothing was changed`, {
        exitCode: ExitCode.invalid,
        hint: 'type the cluster name exactly, or pass --yes',
      });
    }
  } finally {
    rl.close();
  }
}

interface Uninstalled extends DestroyTarget {
  action: 'uninstalled' | 'failed';
  seconds: number;
  error?: string;
}

async function uninstallOne(
  kc: KubeConfig,
  helm: { kubeconfig: string },
  r: DestroyTarget,
): Promise<Uninstalled> {
  const t = Date.now();
  const data = { release: r.name, namespace: r.namespace, runlevel: r.runlevel };
  log.debug(() => `${r.name}: uninstall`);
  try {
    await helmUninstall(helm, r.name, r.namespace);
    await updateRecord(kc, (rec) => {
      delete rec.releases[releaseKey(r)];
    });
    const seconds = (Date.now() - t) / 1000;
    log.event({
      kind: 'release',
      mark: 'done',
      message: `  ${r.name} uninstalled (${seconds.toFixed(1)}s)`,
      data: { ...data, action: 'uninstalled', seconds },
    });
    return { ...r, action: 'uninstalled', seconds };
  } catch (err) {
    const seconds = (Date.now() - t) / 1000;
    const error = shortError(err);
    log.event({
      kind: 'release',
      mark: 'fail',
      message: `  ${r.name} failed: ${error}`,
      data: { ...data, action: 'failed', seconds, error },
    });
    return { ...r, action: 'failed', seconds, error };
  }
}

/** Map with at most `limit` at once; a failure does not stop the others; nothing new after a signal. */
async function eachLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length && !shutdown.signal.aborted) {
      const item = items[next++] as T;
      results.push(await fn(item));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Delete runlevel-system and wait (bounded) until it is gone, so a deploy right after can recreate it. */
async function deleteSystemNamespace(kc: KubeConfig, timeoutMs = 120_000): Promise<boolean> {
  const core = kc.makeApiClient(CoreV1Api);
  const t = Date.now();
  log.start(`deleting namespace ${systemNamespace} (lock and deploy record)`);
  try {
    await withRetry('delete namespace', () => core.deleteNamespace({ name: systemNamespace }));
  } catch (err) {
    if (isNotFound(err)) return true;
    throw err;
  }
  log.waiting(`waiting for ${systemNamespace} to be gone`);
  while (Date.now() - t < timeoutMs) {
    try {
      await withRetry('read namespace', () => core.readNamespace({ name: systemNamespace }));
    } catch (err) {
      if (isNotFound(err)) {
        log.done(`${systemNamespace} deleted (${((Date.now() - t) / 1000).toFixed(1)}s)`);
        return true;
      }
      throw err;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}
