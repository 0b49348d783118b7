// One deploy at a time per cluster: a coordination.k8s.io Lease in runlevel-system names the
// holder and is renewed while the deploy runs. Its TTL frees the cluster after a crash; sooner
// when the holder was a process on this very host that is gone (a kill -9), and at once with
// --break-lock. Every write goes through `fence`: the lease is proved ours and the write listed in
// it by one compare-and-swap, so a run whose lease was taken stops before its next write, and the
// run that took it waits for the writes the other had in flight (fence.ts).
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CoordinationV1Api, type CoreV1Api, type V1Lease, V1MicroTime } from '@kubernetes/client-node';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { isConflict, isNotFound, withRetry } from '../shared/kube.js';
import { log } from '../shared/log.js';
import { type ProcessSpace, processAlive, processSpace, procStartTime } from '../shared/proc.js';
import { LockLostError, leaseKeeper, leaseName, writesOf } from './fence.js';
import { ensureSystemNamespace, systemNamespace } from './system-namespace.js';

export { LockLostError } from './fence.js';

export interface LockHolder extends ProcessSpace {
  host: string;
  pid: number;
  /** The holder process's start time (/proc), so a reused PID is not taken for it. */
  startTime?: string;
  valuesCommit: string;
  coreVersion: string;
  command: string;
  /** The id of its deploy record. */
  runId?: string;
}

/** Why a lease someone else held was taken: its TTL ran out, its process is gone, or --break-lock. */
export type LockTakeover = 'expired' | 'holder-gone' | 'break-lock';

export interface HeldLock {
  release(): Promise<void>;
  /** Set once a renewal or a fence found the lease taken by someone else. */
  lost: () => boolean;
  /** Who took it, once lost ("host (pid N)"). */
  lostTo?: () => string | undefined;
  /** The lease was taken from another holder, and why (the deploy record keeps it). */
  tookOver?: { reason: LockTakeover; holder: string; waitedFor?: string[] };
  /**
   * One write to the cluster under the lock: proves the lease is still ours and lists the write in
   * it (one compare-and-swap on its resourceVersion), runs it, then takes it off the list. Once the
   * lease is another's, throws LockLostError without running `write`. `timeoutMs` bounds how long
   * a run that takes the lock over waits for this write.
   */
  fence<T>(what: string, timeoutMs: number, write: () => Promise<T>): Promise<T>;
}

export interface LockOptions {
  ttlSeconds?: number;
  waitMs?: number; // --wait-lock: keep trying this long instead of failing at once
  /** --break-lock: take the lease whoever holds it. */
  breakLock?: boolean;
  holder: Omit<LockHolder, 'host' | 'pid' | keyof ProcessSpace | 'startTime'>;
  /**
   * Whether the run with this record id has ended (its deploy record left "running"): a run that
   * took the lock over waits for that, or for the writes it had in flight to time out.
   */
  runEnded?: (runId: string) => Promise<boolean>;
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
  // Unique per acquisition, even for two in one process and one millisecond: fencing compares it.
  const identity = `${holder.host}/${holder.pid}/${Date.now()}/${randomBytes(4).toString('hex')}`;
  const deadline = Date.now() + (opts.waitMs ?? 0);
  await ensureSystemNamespace(clients.core);

  let tookOver: HeldLock['tookOver'];
  let lease!: V1Lease;
  let taken: V1Lease | undefined;
  for (;;) {
    const outcome = await withRetry('acquire deploy lock', () =>
      tryAcquire(api, identity, holder, ttl, opts.breakLock === true),
    );
    if ('acquired' in outcome) {
      tookOver = outcome.tookOver;
      lease = outcome.lease;
      taken = outcome.from;
      break;
    }
    if (Date.now() >= deadline) throw lockHeldError(outcome.held);
    log.waiting(`deploy lock held by ${describe(outcome.held)}; waiting`);
    await sleep(Math.min(2_000, Math.max(100, deadline - Date.now())));
  }

  const keeper = leaseKeeper(api, identity, lease, describe);
  const renew = setInterval(
    () => {
      if (keeper.lost()) return;
      keeper.renew().catch((err) => {
        if (err instanceof LockLostError)
          log.warn(`the deploy lock was taken by ${err.holder}; nothing new will start`);
        else log.debug(() => `lock renewal failed: ${(err as Error).message}`);
      });
    },
    (ttl * 1000) / 4,
  );
  renew.unref();

  if (taken && tookOver && tookOver.reason !== 'holder-gone') {
    const waitedFor = await drainDisplaced(taken, opts.runEnded);
    if (waitedFor.length > 0) tookOver = { ...tookOver, waitedFor };
  }

  return {
    lost: keeper.lost,
    lostTo: keeper.lostTo,
    tookOver,
    fence: keeper.fence,
    async release() {
      clearInterval(renew);
      try {
        const current = await api.readNamespacedLease({ name: leaseName, namespace: systemNamespace });
        if (current.spec?.holderIdentity !== identity) return;
        await api.deleteNamespacedLease({
          name: leaseName,
          namespace: systemNamespace,
          body: { preconditions: { resourceVersion: current.metadata?.resourceVersion } },
        });
      } catch (err) {
        // Unreachable API or a lease already gone: the TTL frees the cluster anyway.
        log.debug(() => `lock release: ${(err as Error).message}`);
      }
    },
  };
}

/**
 * The writes the run we took the lease from had in flight (listed in its lease) may still be
 * landing: wait until that run has ended (its record left "running"), its process on this host is
 * gone, or the last of those writes has timed out. It starts no new write: its fence fails.
 */
async function drainDisplaced(taken: V1Lease, runEnded: LockOptions['runEnded']): Promise<string[]> {
  const writes = writesOf(taken);
  if (writes.length === 0) return [];
  const h = holderOf(taken);
  const until = Math.max(...writes.map((w) => w.until));
  const what = writes.map((w) => w.what);
  log.waiting(
    `waiting for ${describe(taken)} to finish what it has in flight (${what.join(', ')}; at most until ${new Date(until).toISOString()}): it starts nothing new`,
  );
  const self = processSpace();
  const here = h.host === hostname() && h.bootId === self.bootId && h.pidNamespace === self.pidNamespace;
  while (Date.now() < until) {
    if (here && typeof h.pid === 'number' && h.startTime && !processAlive(h.pid, h.startTime)) break;
    if (h.runId && runEnded && (await runEnded(h.runId).catch(() => false))) break;
    await sleep(500);
  }
  return what;
}

type Attempt =
  | { acquired: true; lease: V1Lease; tookOver?: HeldLock['tookOver']; from?: V1Lease }
  | { held: V1Lease };

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
      return { acquired: true, lease: await api.createNamespacedLease({ namespace: systemNamespace, body }) };
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
    // The number of times the lease changed hands: a fencing token a run can be told apart by.
    body.spec = { ...body.spec, leaseTransitions: (current.spec?.leaseTransitions ?? 0) + 1 };
    const lease = await api.replaceNamespacedLease({ name: leaseName, namespace: systemNamespace, body });
    return { acquired: true, lease, tookOver: { reason, holder: describe(current) }, from: current };
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

export function expired(lease: V1Lease, now = Date.now()): boolean {
  const renewed = lease.spec?.renewTime ?? lease.spec?.acquireTime;
  const ttl = lease.spec?.leaseDurationSeconds ?? 0;
  return !renewed || new Date(renewed).getTime() + ttl * 1000 < now;
}

export function holderOf(lease: V1Lease): Partial<LockHolder> {
  try {
    return JSON.parse(lease.metadata?.annotations?.['runlevel.dev/holder'] ?? '{}');
  } catch {
    return {};
  }
}

export function describe(lease: V1Lease): string {
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
