// One row per cluster of runlevel.yaml, every cluster read at once, each within its own bound: a
// cluster that does not answer is shown unreachable (never healthy) and costs the rest nothing.
import { writeFileSync } from 'node:fs';
import { type RequestOptions, request } from 'node:https';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { fleetRowOf } from '../serve/fleet.js';
import type { FleetRow, FleetStatus } from '../serve/types.js';
import { UserError } from '../shared/errors.js';
import { loadKubeConfig } from '../shared/kube.js';
import { scratchRoot } from '../shared/scratch.js';
import { readRepoFile } from '../values/repo.js';
import type { ResolvedConfig } from './config.js';
import { pinOf } from './pin.js';
import { readClusterStatus } from './status-source.js';

export interface FleetOptions {
  /** How long the API server has to answer a first request. */
  probeMs: number;
  /** How long the whole status of one cluster may take (render included). */
  timeoutMs: number;
  /** The version of this core (a cluster pinned to another is not rendered by this one). */
  serving: string;
}

export async function readFleetStatus(config: ResolvedConfig, opts: FleetOptions): Promise<FleetStatus> {
  const repo = await readRepoFile(config.valuesDir);
  const rows = await Promise.all(
    Object.entries(repo.file.clusters).map(([name, entry]) =>
      fleetRow(config, name, entry, pinOf(repo.file, name).version, repo.root, opts),
    ),
  );
  return { kind: 'fleet', refreshed: new Date().toISOString(), clusters: rows };
}

type Entry = { environment: string; kubeconfig?: string; context?: string };

async function fleetRow(
  config: ResolvedConfig,
  name: string,
  entry: Entry,
  pinned: string,
  repoRoot: string,
  opts: FleetOptions,
): Promise<FleetRow> {
  const started = Date.now();
  const base = { cluster: name, environment: entry.environment, core: { pinned } };
  const took = () => Date.now() - started;
  let kubeconfig: string | undefined;
  try {
    kubeconfig = kubeconfigFor(config, name, entry, repoRoot);
    await probe(loadKubeConfig(kubeconfig), opts.probeMs);
  } catch (err) {
    return { ...base, reachable: false, health: 'unreachable', error: firstLine(err), tookMs: took() };
  }
  if (pinned !== opts.serving) {
    // Its state is what its own core would render: this core's charts would call everything changed.
    const error = `pinned to core ${pinned}, this is core ${opts.serving}: its own core reads its status`;
    return { ...base, reachable: true, health: 'unknown', error, tookMs: took() };
  }
  try {
    const status = await within(
      readClusterStatus({ ...config, cluster: name, kubeconfig }, { deploys: 5 }),
      opts.timeoutMs,
      `its status took longer than ${opts.timeoutMs / 1000} s`,
    );
    return { ...base, ...fleetRowOf(status), tookMs: took() };
  } catch (err) {
    return { ...base, reachable: true, health: 'unknown', error: firstLine(err), tookMs: took() };
  }
}

/**
 * The kubeconfig file that reaches a cluster: its own `kubeconfig` (relative to the values repo,
 * `~/` from home), else the one of --kubeconfig/KUBECONFIG; with a `context`, a copy whose current
 * context is that one, in this run's private scratch directory (0600, removed on exit).
 */
export function kubeconfigFor(
  config: ResolvedConfig,
  name: string,
  entry: Entry,
  repoRoot: string,
): string | undefined {
  const own = entry.kubeconfig
    ? entry.kubeconfig.startsWith('~/')
      ? join(homedir(), entry.kubeconfig.slice(2))
      : isAbsolute(entry.kubeconfig)
        ? entry.kubeconfig
        : resolve(repoRoot, entry.kubeconfig)
    : config.kubeconfig;
  if (!entry.context) return own;
  const kc = loadKubeConfig(own);
  if (!kc.getContextObject(entry.context)) {
    throw new UserError(`cluster ${name}: context "${entry.context}" is not in the kubeconfig`, {
      hint: `contexts there: ${
        kc
          .getContexts()
          .map((c) => c.name)
          .join(', ') || 'none'
      }`,
    });
  }
  kc.setCurrentContext(entry.context);
  const file = join(scratchRoot(), `kubeconfig-${name}`);
  writeFileSync(file, kc.exportConfig(), { mode: 0o600 });
  return file;
}

/**
 * GET /version with its own deadline: the request is destroyed when the time is up, so a cluster
 * that never answers leaves no socket behind, refresh after refresh.
 */
export async function probe(kc: KubeConfig, ms: number): Promise<void> {
  const server = kc.getCurrentCluster()?.server ?? '';
  const url = new URL('/version', server);
  const options: RequestOptions = {};
  await kc.applyToHTTPSOptions(options);
  await new Promise<void>((resolve, reject) => {
    const req = request(url, { ...options, method: 'GET', timeout: ms }, (res) => {
      res.resume();
      // Any HTTP answer means the API server is there; a 401 or 403 says the credentials are wrong.
      if (res.statusCode === 401 || res.statusCode === 403)
        reject(new Error(`the API server refused the credentials (${res.statusCode})`));
      else resolve();
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${ms / 1000} s`)), ms);
    req.on('close', () => clearTimeout(timer));
    req.on('error', (err) => reject(err));
    req.end();
  });
}

export function within<T>(work: Promise<T>, ms: number, why: string): Promise<T> {
  work.catch(() => {}); // a late failure after the bound is not unhandled
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(why)), ms);
  });
  return Promise.race([work, bound]).finally(() => clearTimeout(timer));
}

export function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'failed';
}
