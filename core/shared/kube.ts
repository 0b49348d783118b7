// The Kubernetes API through @kubernetes/client-node: one place that loads the kubeconfig,
// retries transient failures with backoff, and turns API errors into our own.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { AgentOptions } from 'node:https';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiException, type Cluster, type Context, KubeConfig, type User } from '@kubernetes/client-node';
import { ToolError, UserError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { log } from './log.js';

/**
 * The one kubeconfig of a command: the file named with --kubeconfig, else the KUBECONFIG list
 * merged as kubectl merges it, else ~/.kube/config.
 */
export function loadKubeConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): KubeConfig {
  return reuseConnections(readKubeConfig(file, env));
}

/**
 * client-node 1.x makes a new https.Agent for every API call (KubeConfig's createAgent, called by
 * applySecurityAuthentication), so every call was a full TLS handshake: 57 in a no-op deploy of 50
 * teams. One agent per server and credentials for the whole command instead, so its TLS session
 * cache lets each new connection resume the first one's session. Not kept alive: client-node's
 * node-fetch (2.7) reports "Premature close" when a kept-alive socket carries another request
 * while a chunked response ends (seen in our image tier); each call still has a connection of its
 * own. Agents through a proxy are made as the library makes them.
 */
function reuseConnections(kc: KubeConfig): KubeConfig {
  type MakeAgent = (cluster: Cluster | null, options: AgentOptions) => unknown;
  const lib = kc as unknown as { createAgent: MakeAgent };
  const make = lib.createAgent.bind(kc);
  const agents = new Map<string, unknown>();
  lib.createAgent = (cluster, options) => {
    if (cluster?.proxyUrl) return make(cluster, options);
    const key = createHash('sha256')
      .update(JSON.stringify([cluster?.server, options.rejectUnauthorized, options.servername]))
      .update(String(options.ca ?? ''))
      .update(String(options.cert ?? ''))
      .update(String(options.key ?? ''))
      .digest('hex');
    let agent = agents.get(key);
    if (!agent) {
      agent = make(cluster, { ...options, keepAlive: false });
      agents.set(key, agent);
    }
    return agent;
  };
  return kc;
}

function readKubeConfig(file: string | undefined, env: NodeJS.ProcessEnv): KubeConfig {
  const list = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  const files = file ? [file] : list.length > 0 ? list : [join(env.HOME || homedir(), '.kube/config')];
  // A pod (the sync agent) with no kubeconfig: its ServiceAccount's token, as kubectl and helm do.
  if (!file && list.length === 0 && env.KUBERNETES_SERVICE_HOST && !existsSync(files[0] as string)) {
    const kc = new KubeConfig();
    kc.loadFromCluster();
    return kc;
  }
  const what = files.length === 1 ? (files[0] as string) : `KUBECONFIG ${files.join(delimiter)}`;
  let kc: KubeConfig;
  try {
    kc = files.length === 1 ? fromFile(files[0] as string) : mergeKubeconfigs(files);
  } catch (err) {
    const denied = (err as NodeJS.ErrnoException).code === 'EACCES';
    throw new UserError(`cannot read kubeconfig ${what}: ${(err as Error).message}`, {
      hint: denied
        ? 'run as the file’s owner (in Docker: `--user "$(id -u):$(id -g)"`); never make it readable to others'
        : 'pass --kubeconfig FILE or set KUBECONFIG; `runlevel cluster up` prints one for the local cluster',
    });
  }
  if (!kc.getCurrentCluster()) {
    throw new UserError(`kubeconfig ${what} has no current cluster`, {
      hint: 'set current-context, or pass --kubeconfig FILE',
    });
  }
  assertReadableFiles(kc, what);
  return kc;
}

/**
 * The certificate files the current context names must be readable now: client-node reads them at
 * the first request (a missing one was a stack trace) and helm reads them too. A kubeconfig mounted
 * into the image alone names host paths that are not there.
 */
function assertReadableFiles(kc: KubeConfig, what: string): void {
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  const named: [string, string | undefined, string][] = [
    ['certificate-authority', cluster?.caFile, `cluster "${cluster?.name}"`],
    ['client-certificate', user?.certFile, `user "${user?.name}"`],
    ['client-key', user?.keyFile, `user "${user?.name}"`],
  ];
  const problems = [];
  for (const [field, file, owner] of named) {
    if (!file) continue;
    try {
      readFileSync(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT'
          ? 'does not exist'
          : code === 'EACCES'
            ? 'cannot be read (permission denied)'
            : `cannot be read (${code})`;
      problems.push({ message: `${owner}: ${field} ${file} ${why}` });
    }
  }
  if (problems.length > 0) {
    throw new UserError(`kubeconfig ${what} names certificate files that cannot be read`, {
      problems,
      hint: 'use a self-contained kubeconfig, `kubectl config view --flatten --minify > kubeconfig.flat` (`runlevel cluster up` writes one), or mount each file at the same path (`-v FILE:FILE:ro`)',
    });
  }
}

function fromFile(file: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(file); // relative certificate paths are taken relative to the file
  return kc;
}

/**
 * kubectl's rules for a KUBECONFIG list: files that do not exist are skipped, the first file to
 * define a cluster, user or context by a name wins, and so does the first current-context set.
 * (@kubernetes/client-node's loadFromDefault lets later files win and fails on a missing file.)
 */
export function mergeKubeconfigs(files: readonly string[]): KubeConfig {
  const clusters: Cluster[] = [];
  const users: User[] = [];
  const contexts: Context[] = [];
  let currentContext = '';
  const present = [...new Set(files)].filter((f) => existsSync(f));
  if (present.length === 0) throw new Error('none of its files exists');
  for (const f of present) {
    const one = fromFile(f);
    const add = <T extends { name: string }>(into: T[], items: readonly T[]) => {
      for (const item of items) if (!into.some((x) => x.name === item.name)) into.push(item);
    };
    add(clusters, one.clusters);
    add(users, one.users);
    add(contexts, one.contexts);
    currentContext ||= one.currentContext;
  }
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters, users, contexts, currentContext });
  return kc;
}

export function statusCode(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

export const isNotFound = (err: unknown) => statusCode(err) === 404;
export const isConflict = (err: unknown) => statusCode(err) === 409;

/** Network failures, 429 and 5xx are worth retrying; 4xx answers are final. */
export function isTransient(err: unknown): boolean {
  const code = statusCode(err);
  if (code !== undefined) return code === 429 || code >= 500;
  const text = `${(err as Error)?.message ?? ''} ${(err as { code?: string })?.code ?? ''}`;
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|socket hang up|fetch failed|network|EHOSTUNREACH/i.test(
    text,
  );
}

export interface RetryOptions {
  attempts?: number; // total tries
  baseMs?: number; // first backoff, doubled each time
  maxMs?: number;
  signal?: AbortSignal;
}

/**
 * Run an API call, retrying transient failures with exponential backoff. After the last attempt a
 * transient failure becomes a ToolError with exit code 5 ("the API server is unreachable").
 */
export async function withRetry<T>(
  what: string,
  call: () => Promise<T>,
  opts: RetryOptions = {},
): Promise<T> {
  const attempts = opts.attempts ?? 6;
  let delay = opts.baseMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!isTransient(err)) throw err;
      if (attempt >= attempts || opts.signal?.aborted) {
        throw new ToolError(`${what}: the Kubernetes API is unreachable after ${attempt} attempts`, {
          exitCode: ExitCode.deployFailed,
          problems: [{ message: shortError(err) }],
          hint: 'check that the API server is up (runlevel cluster status, kubectl get --raw /readyz) and re-run',
        });
      }
      log.debug(() => `${what}: ${shortError(err)}; retry ${attempt}/${attempts - 1} in ${delay}ms`);
      await sleep(delay);
      delay = Math.min(delay * 2, opts.maxMs ?? 4_000);
    }
  }
}

/** The message of an API error without headers and bodies (which can carry tokens). */
export function shortError(err: unknown): string {
  if (err instanceof ApiException) {
    const body = err.body as { message?: string } | string | undefined;
    const message = typeof body === 'object' && body?.message ? body.message : `HTTP ${err.code}`;
    return message;
  }
  return (err as Error)?.message?.split('\n')[0] ?? String(err);
}
