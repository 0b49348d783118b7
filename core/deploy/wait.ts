// The readiness gate of a runlevel: every workload and definition its releases rendered must be
// ready before the next runlevel starts. All objects are watched at once, so the gate costs as
// long as the slowest object, not the sum.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubernetesObject, KubernetesObjectApi } from '@kubernetes/client-node';
import { isNotFound, isTransient, shortError } from '../shared/kube.js';

export interface WaitTarget {
  release: string; // namespace/name of the release it belongs to
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export const gatedKinds = new Set([
  'CustomResourceDefinition',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'ConstraintTemplate', // ready once Gatekeeper has made its constraint CRD
]);

/**
 * Whether the gate waits for this object. Hooks never: helm runs them during the upgrade and waits
 * for hook Jobs itself (a failed one fails the upgrade), a `hook-succeeded` one is deleted once it
 * worked, and test hooks exist only under `helm test`.
 */
export function isGated(o: { kind: string; hook?: string }): boolean {
  return gatedKinds.has(o.kind) && !o.hook;
}

export type Readiness = { ready: true } | { ready: false; failed: boolean; state: string };

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** The status fields the gate reads, across the workload kinds it knows. */
interface WorkloadStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
  readyReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  desiredNumberScheduled?: number;
  updatedNumberScheduled?: number;
  numberAvailable?: number;
  succeeded?: number;
  created?: boolean; // ConstraintTemplate
  conditions?: Condition[];
}

type Obj = KubernetesObject & { spec?: { replicas?: number }; status?: WorkloadStatus };

const condition = (o: Obj, type: string) =>
  (
    o.status?.conditions as { type: string; status: string; reason?: string; message?: string }[] | undefined
  )?.find((c) => c.type === type);

/** Pure: is this object ready, still progressing, or failed for good? */
export function readiness(o: Obj): Readiness {
  const generationSeen = (o.status?.observedGeneration ?? 0) >= (o.metadata?.generation ?? 0);
  const pending = (state: string): Readiness => ({ ready: false, failed: false, state });
  switch (o.kind) {
    case 'CustomResourceDefinition':
      return condition(o, 'Established')?.status === 'True' ? { ready: true } : pending('not Established');
    case 'Deployment': {
      const want = o.spec?.replicas ?? 1;
      const s = o.status ?? {};
      const progressing = condition(o, 'Progressing');
      if (progressing?.reason === 'ProgressDeadlineExceeded') {
        return {
          ready: false,
          failed: true,
          state: `progress deadline exceeded: ${progressing.message ?? ''}`,
        };
      }
      if (!generationSeen) return pending('rollout not observed yet');
      if ((s.updatedReplicas ?? 0) < want) return pending(`${s.updatedReplicas ?? 0}/${want} updated`);
      const old = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
      if (old > 0) return pending(`${old} old replicas left`);
      if ((s.availableReplicas ?? 0) < want) return pending(`${s.availableReplicas ?? 0}/${want} available`);
      return { ready: true };
    }
    case 'StatefulSet': {
      const want = o.spec?.replicas ?? 1;
      const s = o.status ?? {};
      if (!generationSeen) return pending('rollout not observed yet');
      if ((s.readyReplicas ?? 0) < want) return pending(`${s.readyReplicas ?? 0}/${want} ready`);
      if (s.updateRevision && s.currentRevision !== s.updateRevision && (s.updatedReplicas ?? 0) < want) {
        return pending(`${s.updatedReplicas ?? 0}/${want} updated`);
      }
      return { ready: true };
    }
    case 'DaemonSet': {
      const s = o.status ?? {};
      const want = s.desiredNumberScheduled ?? 0;
      if (!generationSeen) return pending('rollout not observed yet');
      if ((s.updatedNumberScheduled ?? 0) < want)
        return pending(`${s.updatedNumberScheduled ?? 0}/${want} updated`);
      if ((s.numberAvailable ?? 0) < want) return pending(`${s.numberAvailable ?? 0}/${want} available`);
      return { ready: true };
    }
    case 'ConstraintTemplate':
      return o.status?.created === true
        ? { ready: true }
        : pending('constraint CRD not created by Gatekeeper yet');
    case 'Job': {
      if (condition(o, 'Complete')?.status === 'True') return { ready: true };
      const failed = condition(o, 'Failed');
      if (failed?.status === 'True')
        return { ready: false, failed: true, state: `failed: ${failed.message ?? failed.reason ?? ''}` };
      return pending(`${o.status?.succeeded ?? 0} succeeded`);
    }
    default:
      return { ready: true };
  }
}

const gone = 'gone: deleted after helm created it, so it cannot become ready';

/**
 * A ConstraintTemplate's `status.created` says Gatekeeper made its constraint CRD, not that the API
 * server serves the kind yet: the next runlevel's Constraints would then fail helm's "no matches
 * for kind". So the template is ready once that CRD (`<kind, lower case>.constraints.gatekeeper.sh`)
 * is Established too. A helm process per release used to hide the gap behind its start-up time.
 */
async function withConstraintCrd(
  api: Pick<KubernetesObjectApi, 'read'>,
  o: Obj,
  own: Readiness,
): Promise<Readiness> {
  if (o.kind !== 'ConstraintTemplate' || !own.ready) return own;
  const kind = (o.spec as { crd?: { spec?: { names?: { kind?: string } } } } | undefined)?.crd?.spec?.names
    ?.kind;
  if (!kind) return own;
  const crd = await api
    .read({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${kind.toLowerCase()}.constraints.gatekeeper.sh` },
    })
    .catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
  if (!crd) return { ready: false, failed: false, state: `constraint CRD for ${kind} not there yet` };
  const r = readiness(crd as Obj);
  return r.ready
    ? r
    : { ready: false, failed: false, state: `constraint CRD for ${kind} not Established yet` };
}

export interface GateResult {
  ok: boolean;
  notReady: { target: WaitTarget; state: string; failed: boolean }[];
}

/** Poll every target until all are ready, one fails for good, the deadline passes or `stop()` says so. */
export interface WaitOptions {
  timeoutMs: number;
  stop?: () => boolean;
  intervalMs?: number;
}

export async function waitReady(
  api: Pick<KubernetesObjectApi, 'read'>,
  targets: WaitTarget[],
  opts: WaitOptions,
): Promise<GateResult> {
  const deadline = Date.now() + opts.timeoutMs;
  const state = new Map<WaitTarget, { ready: boolean; failed: boolean; text: string }>(
    targets
      .filter((t) => isGated(t))
      .map((t) => [t, { ready: false, failed: false, text: 'not checked yet' }]),
  );
  let apiErrors = 0;
  while (state.size > 0) {
    await Promise.all(
      [...state].map(async ([t, s]) => {
        if (s.ready) return;
        try {
          const o = (await api.read({
            apiVersion: t.apiVersion,
            kind: t.kind,
            metadata: { name: t.name, namespace: t.namespace },
          })) as Obj;
          const r = await withConstraintCrd(api, o, readiness(o));
          state.set(
            t,
            r.ready
              ? { ready: true, failed: false, text: 'ready' }
              : { ready: false, failed: r.failed, text: r.state },
          );
          apiErrors = 0;
        } catch (err) {
          // helm created every target before the gate started: one that is not there any more was
          // deleted (by a controller, a TTL, a person), and waiting cannot bring it back.
          if (isNotFound(err)) state.set(t, { ready: false, failed: true, text: gone });
          else if (isTransient(err)) {
            apiErrors++;
            state.set(t, { ready: false, failed: false, text: `API unreachable: ${shortError(err)}` });
          } else throw err;
        }
      }),
    );
    const pending = [...state].filter(([, s]) => !s.ready);
    if (pending.length === 0) return { ok: true, notReady: [] };
    const failedForGood = pending.some(([, s]) => s.failed);
    if (failedForGood || Date.now() >= deadline || opts.stop?.() || apiErrors > 20 * state.size) {
      return {
        ok: false,
        notReady: pending.map(([target, s]) => ({ target, state: s.text, failed: s.failed })),
      };
    }
    await sleep(opts.intervalMs ?? 500);
  }
  return { ok: true, notReady: [] };
}
