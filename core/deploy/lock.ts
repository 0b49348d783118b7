// One deploy at a time per cluster: a coordination.k8s.io Lease in runlevel-system names the
// holder and is renewed while the deploy runs. Its TTL frees the cluster after a crash.
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CoordinationV1Api, type CoreV1Api, type V1Lease, V1MicroTime } from '@kubernetes/client-node';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { isConflict, isNotFound, withRetry } from '../shared/kube.js';
import { log } from '../shared/log.js';
import { ensureSystemNamespace, systemNamespace } from './system-namespace.js';

const leaseName = 'runlevel-deploy';

export interface LockHolder {
  host: string;
  pid: number;
  valuesCommit: string;
  coreVersion: string;
  command: string;
}

export interface HeldLock {
  release(): Promise<void>;
  /** Set when a renewal found the lease taken by someone else. */
  lost: () => boolean;
}

export interface LockOptions {
  ttlSeconds?: number;
  waitMs?: number; // --wait-lock: keep trying this long instead of failing at once
  holder: Omit<LockHolder, 'host' | 'pid'>;
}

export async function acquireLock(
  clients: { core: CoreV1Api; leases: CoordinationV1Api },
  opts: LockOptions,
): Promise<HeldLock> {
  const api = clients.leases;
  const ttl = opts.ttlSeconds ?? 60;
  const holder: LockHolder = { host: hostname(), pid: process.pid, ...opts.holder };
  const identity = `${holder.host}/${holder.pid}/${Date.now()}`;
  const deadline = Date.now() + (opts.waitMs ?? 0);
  await ensureSystemNamespace(clients.core);

  for (;;) {
    const outcome = await withRetry('acquire deploy lock', () => tryAcquire(api, identity, holder, ttl));
    if (outcome === 'acquired') break;
    if (Date.now() >= deadline) throw lockHeldError(outcome);
    log.waiting(`deploy lock held by ${describe(outcome)}; waiting`);
    await sleep(Math.min(2_000, Math.max(100, deadline - Date.now())));
  }

  let lost = false;
  const renew = setInterval(
    () => {
      renewLease(api, identity).then(
        (ok) => {
          if (!ok && !lost) {
            lost = true;
            log.warn('the deploy lock was taken by another deploy; nothing new will start');
          }
        },
        (err) => log.debug(() => `lock renewal failed: ${(err as Error).message}`),
      );
    },
    (ttl * 1000) / 4,
  );
  renew.unref();

  return {
    lost: () => lost,
    async release() {
      clearInterval(renew);
      try {
        const lease = await api.readNamespacedLease({ name: leaseName, namespace: systemNamespace });
        if (lease.spec?.holderIdentity !== identity) return;
        await api.deleteNamespacedLease({
          name: leaseName,
          namespace: systemNamespace,
          body: { preconditions: { resourceVersion: lease.metadata?.resourceVersion } },
        });
      } catch (err) {
        // Unreachable API or a lease already gone: the TTL frees the cluster anyway.
        log.debug(() => `lock release: ${(err as Error).message}`);
      }
    },
  };
}

type Attempt = 'acquired' | V1Lease;

async function tryAcquire(
  api: CoordinationV1Api,
  identity: string,
  holder: LockHolder,
  ttl: number,
): Promise<Attempt> {
  const now = new V1MicroTime(); // the API wants microseconds; a plain Date sends milliseconds
  const body: V1Lease = {
    metadata: {
      name: leaseName,
      namespace: systemNamespace,
      annotations: { 'runlevel.dev/holder': JSON.stringify(holder) },
    },
    spec: { holderIdentity: identity, leaseDurationSeconds: ttl, acquireTime: now, renewTime: now },
  };
  let current: V1Lease;
  try {
    current = await api.readNamespacedLease({ name: leaseName, namespace: systemNamespace });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    try {
      await api.createNamespacedLease({ namespace: systemNamespace, body });
      return 'acquired';
    } catch (e) {
      if (isConflict(e)) return api.readNamespacedLease({ name: leaseName, namespace: systemNamespace });
      throw e;
    }
  }
  if (!expired(current)) return current;
  // An expired lease (a crashed deploy): take it over, guarded by its resourceVersion.
  log.warn(`taking over an expired deploy lock from ${describe(current)}`);
  try {
    body.metadata = { ...body.metadata, resourceVersion: current.metadata?.resourceVersion };
    await api.replaceNamespacedLease({ name: leaseName, namespace: systemNamespace, body });
    return 'acquired';
  } catch (e) {
    if (isConflict(e)) return api.readNamespacedLease({ name: leaseName, namespace: systemNamespace });
    throw e;
  }
}

async function renewLease(api: CoordinationV1Api, identity: string): Promise<boolean> {
  const lease = await api.readNamespacedLease({ name: leaseName, namespace: systemNamespace });
  if (lease.spec?.holderIdentity !== identity) return false;
  lease.spec.renewTime = new V1MicroTime();
  await api.replaceNamespacedLease({ name: leaseName, namespace: systemNamespace, body: lease });
  return true;
}

export function expired(lease: V1Lease, now = Date.now()): boolean {
  const renewed = lease.spec?.renewTime ?? lease.spec?.acquireTime;
  const ttl = lease.spec?.leaseDurationSeconds ?? 0;
  return !renewed || new Date(renewed).getTime() + ttl * 1000 < now;
}

function holderOf(lease: V1Lease): Partial<LockHolder> {
  try {
    return JSON.parse(lease.metadata?.annotations?.['runlevel.dev/holder'] ?? '{}');
  } catch {
    return {};
  }
}

function describe(lease: V1Lease): string {
  const h = holderOf(lease);
  return `${h.host ?? 'unknown host'} (pid ${h.pid ?? '?'})`;
}

function lockHeldError(lease: V1Lease): UserError {
  const h = holderOf(lease);
  const since = lease.spec?.acquireTime ? new Date(lease.spec.acquireTime).toISOString() : 'unknown';
  const renewed = lease.spec?.renewTime ? new Date(lease.spec.renewTime) : undefined;
  const expires = renewed
    ? new Date(renewed.getTime() + (lease.spec?.leaseDurationSeconds ?? 0) * 1000)
    : undefined;
  return new UserError(`another deploy holds the lock on this cluster: ${describe(lease)} since ${since}`, {
    exitCode: ExitCode.lockHeld,
    problems: [
      {
        message: `holder: ${h.command ?? 'deploy'} of values ${h.valuesCommit ?? 'unknown'} with core ${h.coreVersion ?? 'unknown'}${expires ? `; lock expires ${expires.toISOString()} unless renewed` : ''}`,
      },
    ],
    hint: 'wait for it to finish, or pass --wait-lock 5m to wait here',
  });
}
