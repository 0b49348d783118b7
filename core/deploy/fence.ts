// Fencing for the deploy lock: a run that lost its lease must not write again, and renewing every
// TTL/4 notices too late (a release applied in between lands beside the new holder's). So every
// write first proves the lease is still ours by writing it: the writes in flight are listed in an
// annotation and the replace carries the resourceVersion we last wrote, so a takeover in between
// makes it fail with a conflict, and the run stops before the write. The run that took the lease
// reads that list and waits for those writes (lock.ts, drainDisplaced).
import { type CoordinationV1Api, type V1Lease, V1MicroTime } from '@kubernetes/client-node';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { isConflict, withRetry } from '../shared/kube.js';
import { log } from '../shared/log.js';
import { systemNamespace } from './system-namespace.js';

export const leaseName = 'runlevel-deploy';
const writesAnnotation = 'runlevel.dev/writes';

/** A write in flight as the lease lists it: what (`upgrade ingress-system/ingress`) and until when (ms). */
export interface ListedWrite {
  what: string;
  until: number;
}

/** The run lost its lock to another (--break-lock, or an expiry it slept through): exit 6. */
export class LockLostError extends UserError {
  readonly holder: string;
  constructor(holder: string, what: string) {
    super(`the deploy lock was taken by ${holder}: stopped before ${what}`, {
      exitCode: ExitCode.lockHeld,
      hint: 'another deploy holds the lock now (--break-lock, or this run stopped renewing it); `runlevel status` shows what each did',
    });
    this.name = 'LockLostError';
    this.holder = holder;
  }
}

export function writesOf(lease: V1Lease): ListedWrite[] {
  try {
    const list = JSON.parse(lease.metadata?.annotations?.[writesAnnotation] ?? '[]');
    return Array.isArray(list)
      ? list.filter((w): w is ListedWrite => typeof w?.what === 'string' && typeof w?.until === 'number')
      : [];
  } catch {
    return [];
  }
}

export interface LeaseKeeper {
  lost(): boolean;
  lostTo(): string | undefined;
  /** Refresh renewTime; throws LockLostError once the lease is another's. */
  renew(): Promise<void>;
  fence<T>(what: string, timeoutMs: number, write: () => Promise<T>): Promise<T>;
}

/**
 * Keeps the lease we hold: every change to it (a renewal, a write listed or taken off) is one
 * replace guarded by the resourceVersion of our own last write, one at a time.
 */
export function leaseKeeper(
  api: CoordinationV1Api,
  identity: string,
  acquired: V1Lease,
  describe: (lease: V1Lease) => string,
): LeaseKeeper {
  let current = acquired;
  let lostTo: string | undefined;
  const writes = new Map<number, ListedWrite>();
  let seq = 0;
  let queue: Promise<unknown> = Promise.resolve();

  const write = async (what: string): Promise<void> => {
    if (lostTo) throw new LockLostError(lostTo, what);
    for (;;) {
      const annotations = {
        ...current.metadata?.annotations,
        [writesAnnotation]: JSON.stringify([...writes.values()]),
      };
      const body: V1Lease = {
        ...current,
        metadata: { ...current.metadata, annotations },
        spec: { ...current.spec, renewTime: new V1MicroTime() },
      };
      try {
        current = await withRetry('write deploy lock', () =>
          api.replaceNamespacedLease({ name: leaseName, namespace: systemNamespace, body }),
        );
        return;
      } catch (err) {
        if (!isConflict(err)) throw err;
        const fresh = await withRetry('read deploy lock', () =>
          api.readNamespacedLease({ name: leaseName, namespace: systemNamespace }),
        );
        if (fresh.spec?.holderIdentity !== identity) {
          lostTo = describe(fresh);
          throw new LockLostError(lostTo, what);
        }
        current = fresh; // changed by someone else (kubectl annotate): still ours, write again
      }
    }
  };
  // One change at a time: each replace carries the resourceVersion the one before it returned.
  const serial = (what: string): Promise<void> => {
    const next = queue.then(
      () => write(what),
      () => write(what),
    );
    queue = next.catch(() => {});
    return next;
  };

  return {
    lost: () => lostTo !== undefined,
    lostTo: () => lostTo,
    renew: () => serial('renewing the lock'),
    async fence(what, timeoutMs, run) {
      const id = ++seq;
      writes.set(id, { what, until: Date.now() + timeoutMs });
      try {
        await serial(what);
      } catch (err) {
        writes.delete(id);
        throw err;
      }
      try {
        return await run();
      } finally {
        writes.delete(id);
        // Taken off the list; a lease lost meanwhile is noticed here and stops the next write.
        await serial(`${what} (done)`).catch((err) =>
          log.debug(() => `deploy lock after ${what}: ${(err as Error).message}`),
        );
      }
    },
  };
}
