// wait-crds: wait until a set of CustomResourceDefinitions is Established, so the next runlevel can
// create their custom resources. The set: the CRD names given as arguments, or by default every
// CRD labelled app.kubernetes.io/managed-by=Helm. Bounded by the task's timeout (its signal).
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiextensionsV1Api, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { log } from '../shared/log.js';
import { readOptional, requestOptions } from './kube.js';
import type { Task } from './types.js';

const helmSelector = 'app.kubernetes.io/managed-by=Helm';
const pollMs = 250;

export const waitCrds: Task = {
  name: 'wait-crds',
  description: 'wait until the named CRDs (default: every Helm-managed CRD) are Established',
  async run({ kc, signal, args }) {
    const api = kc.makeApiClient(ApiextensionsV1Api);
    const opts = requestOptions(signal);
    const names = args && args.length > 0 ? [...args] : undefined;

    /** name → why it is not Established yet; empty when every CRD is. */
    const pending = async (): Promise<Map<string, string>> => {
      const found = new Map<string, V1CustomResourceDefinition | undefined>();
      if (names) {
        for (const name of names)
          found.set(name, await readOptional(() => api.readCustomResourceDefinition({ name }, opts)));
      } else {
        const list = await api.listCustomResourceDefinition({ labelSelector: helmSelector }, opts);
        for (const crd of list.items) found.set(crd.metadata?.name ?? '', crd);
      }
      const waiting = new Map<string, string>();
      for (const [name, crd] of found) {
        const why = notEstablished(crd);
        if (why) waiting.set(name, why);
      }
      if (!names && found.size === 0) log.info(`no CRDs labelled ${helmSelector}: nothing to wait for`);
      return waiting;
    };

    let waiting: Map<string, string> | undefined;
    for (let round = 0; ; round++) {
      try {
        waiting = await pending();
        if (waiting.size === 0) return { changed: [] };
        if (round === 0) log.waiting(`waiting for ${waiting.size} CRD(s) to be Established`);
        await sleep(pollMs, undefined, { signal });
      } catch (err) {
        if (!signal.aborted) throw err;
        throw notEstablishedError(waiting);
      }
    }
  },
};

function notEstablishedError(waiting: Map<string, string> | undefined): UserError {
  const hint = 'check the CRD status (kubectl get crd NAME -o yaml) and the API server log';
  if (!waiting)
    return new UserError('stopped before the CRDs could be read', { exitCode: ExitCode.deployFailed, hint });
  return new UserError(`${waiting.size} CRD(s) not Established: ${[...waiting.keys()].join(', ')}`, {
    exitCode: ExitCode.deployFailed,
    problems: [...waiting].map(([name, why]) => ({ message: `${name}: ${why}` })),
    hint,
  });
}

function notEstablished(crd: V1CustomResourceDefinition | undefined): string | undefined {
  if (!crd) return 'not found';
  const conditions = crd.status?.conditions ?? [];
  const established = conditions.find((c) => c.type === 'Established');
  if (established?.status === 'True') return undefined;
  const conflict = conditions.find((c) => c.type === 'NamesAccepted' && c.status === 'False');
  if (conflict) return `names not accepted: ${conflict.message ?? conflict.reason ?? ''}`;
  return established?.message ?? 'not Established yet';
}
