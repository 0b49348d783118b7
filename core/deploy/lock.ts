// One deploy at a time per cluster: a coordination.k8s.io Lease in runlevel-system names the
// holder and is renewed while the deploy runs. Its TTL frees the cluster after a crash; sooner
// when the holder was a process on this very host that is gone (a kill -9), and at once with
// --break-lock.
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CoordinationV1Api, type CoreV1Api, type V1Lease, V1MicroTime } from '@kubernetes/client-node';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { isConflict, isNotFound, withRetry } from '../shared/kube.js';
import { log } from '../shared/log.js';
import { type ProcessSpace, processAlive, processSpace, procStartTime } from '../shared/proc.js';
import { ensureSystemNamespace, systemNamespace } from './system-namespace.js';

const leaseName = 'runlevel-deploy';

export interface LockHolder extends ProcessSpace {
  host: string;
  pid: number;
  /** The holder process's start time (/proc), so a reused PID is not taken for it. */
  startTime?: string;
  valuesCommit: string;
  coreVersion: string;
  command: string;
}

/** Why a lease someone else held was taken: its TTL ran out, its process is gone, or --break-lock. */
export type LockTakeover = 'expired' | 'holder-gone' | 'break-lock';

export interface HeldLock {
  release(): Promise<void>;
  /** Set when a renewal found the lease taken by someone else. */
  lost: () => boolean;
  /** The lease was taken from another holder, and why (the deploy record keeps it). */
  tookOver?: { reason: LockTakeover; holder: string };
}

export interface LockOptions {
  ttlSeconds?: number;
  waitMs?: number; // --wait-lock: keep trying this long instead of failing at once
  /** --break-lock: take the lease whoever holds it. */
  breakLock?: boolean;
  holder: Omit<LockHolder, 'host' | 'pid' | keyof ProcessSpace | 'startTime'>;
}

export async function acquireLock(
  clients: { core: CoreV1Api; leases: CoordinationV1Api },
  opts: LockOptions,
): Promise<HeldLock> {
  const api = clients.leases;
  const ttl = opts.ttlSeconds ?? 60;
  const holder: LockHolder = {
    host: hostname(),
    pid: process.pid,
    startTime: procStartTime(process.pid),
    ...processSpace(),
    ...opts.holder,
  };
  const identity = `${holder.host}/${holder.pid}/${Date.now()}`;
  const deadline = Date.now() + (opts.waitMs ?? 0);
  await ensureSystemNamespace(clients.core);

  let tookOver: HeldLock['tookOver'];
  for (;;) {
    const outcome = await withRetry('acquire deploy lock', () =>
      tryAcquire(api, identity, holder, ttl, opts.breakLock === true),
    );
    if ('acquired' in outcome) {
      tookOver = outcome.tookOver;
      break;
    }
    if (Date.now() >= deadline) throw lockHeldError(outcome.held);
    log.waiting(`deploy lock held by ${describe(outcome.held)}; waiting`);
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
    tookOver,
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

type Attempt = { acquired: true; tookOver?: HeldLock['tookOver'] } | { held: V1Lease };

async function tryAcquire(
  api: CoordinationV1Api,
  identity: string,
  holder: LockHolder,
  ttl: number,
  breakLock: boolean,
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
  const held = async () => ({
    held: await api.readNamespacedLease({ name: leaseName, namespace: systemNamespace }),
  });
  let current: V1Lease;
  try {
    current = await api.readNamespacedLease({ name: leaseName, namespace: systemNamespace });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    try {
      await api.createNamespacedLease({ namespace: systemNamespace, body });
      return { acquired: true };
    } catch (e) {
      if (isConflict(e)) return held();
      throw e;
    }
  }
  const reason = takeoverReason(current, { self: holder, breakLock });
  if (!reason) return { held: current };
  log.warn(takeoverMessage[reason](describe(current)));
  // Taken over guarded by its resourceVersion: of two runs taking it at once, one wins.
  try {
    body.metadata = { ...body.metadata, resourceVersion: current.metadata?.resourceVersion };
    await api.replaceNamespacedLease({ name: leaseName, namespace: systemNamespace, body });
    return { acquired: true, tookOver: { reason, holder: describe(current) } };
  } catch (e) {
    if (isConflict(e)) return held();
    throw e;
  }
}

const takeoverMessage: Record<LockTakeover, (holder: string) => string> = {
  expired: (h) => `taking over an expired deploy lock from ${h}`,
  'holder-gone': (h) => `taking over the deploy lock from ${h}: that process on this host is gone`,
  'break-lock': (h) => `breaking the deploy lock held by ${h} (--break-lock)`,
};

/**
 * Whether another holder's lease may be taken, and why. A holder on this host (same boot, same PID
 * namespace) whose process is gone, checked by PID and start time, cannot renew it: waiting for
 * its TTL would only lock the user out.
 */
export function takeoverReason(
  lease: V1Lease,
  opts: {
    self: Pick<LockHolder, 'host' | keyof ProcessSpace>;
    breakLock?: boolean;
    now?: number;
    alive?: (pid: number, startTime: string) => boolean;
  },
): LockTakeover | undefined {
  if (expired(lease, opts.now)) return 'expired';
  const h = holderOf(lease);
  const here =
    h.host === opts.self.host &&
    h.bootId !== undefined &&
    h.bootId === opts.self.bootId &&
    h.pidNamespace !== undefined &&
    h.pidNamespace === opts.self.pidNamespace;
  const alive = opts.alive ?? processAlive;
  if (here && typeof h.pid === 'number' && h.startTime && !alive(h.pid, h.startTime)) return 'holder-gone';
  return opts.breakLock ? 'break-lock' : undefined;
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
    hint: 'wait for it to finish, or pass --wait-lock 5m to wait here; if it is dead on another machine, --break-lock takes the lock',
  });
}
