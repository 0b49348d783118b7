// copy-pull-secret: when platform.registry.pullSecret.enabled, the image pull Secret that runlevel
// 00 creates in runlevel-system is copied into every team namespace, and each team's `default`
// ServiceAccount lists it in imagePullSecrets (a chart cannot patch the ServiceAccount Kubernetes
// itself creates). The name is the charts' own (`registry-pull`): where the team chart already
// made the Secret, Helm owns it and this task leaves it alone rather than fight Helm over it.
// When the setting is off, copies this task made and the ServiceAccount entries are removed.
import { CoreV1Api, type V1Secret } from '@kubernetes/client-node';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { isConflict } from '../shared/kube.js';
import {
  eachBounded,
  managedBy,
  mergePatch,
  readOptional,
  requestOptions,
  requireNamespaces,
  systemNamespace,
  writtenByLabel,
} from './kube.js';
import type { Task, TaskContext } from './types.js';
import { pullSecretEnabled, teamNames, teamNamespace } from './values.js';

export const pullSecretName = 'registry-pull';
const secretType = 'kubernetes.io/dockerconfigjson';
const taskName = 'copy-pull-secret';

export const copyPullSecret: Task = {
  name: taskName,
  description: `copy Secret ${systemNamespace}/${pullSecretName} into every team namespace and its default ServiceAccount`,
  async run(ctx) {
    const core = ctx.kc.makeApiClient(CoreV1Api);
    const namespaces = teamNames(ctx.values).map(teamNamespace);
    await requireNamespaces(core, namespaces, ctx.signal);
    return pullSecretEnabled(ctx.values) ? copy(core, namespaces, ctx) : remove(core, namespaces, ctx);
  },
};

async function copy(core: CoreV1Api, namespaces: string[], { signal }: TaskContext) {
  const opts = requestOptions(signal);
  const source = await readOptional(() =>
    core.readNamespacedSecret({ name: pullSecretName, namespace: systemNamespace }, opts),
  );
  if (!source?.data?.['.dockerconfigjson'] || source.type !== secretType) {
    throw new UserError(
      `platform.registry.pullSecret.enabled is true but Secret ${systemNamespace}/${pullSecretName} ${source ? `is not of type ${secretType}` : 'does not exist'}`,
      {
        exitCode: ExitCode.deployFailed,
        hint: 'runlevel 00-init creates it from platform.registry.pullSecret: deploy it first, or run this task after it',
      },
    );
  }
  const changed = await eachBounded(namespaces, signal, async (namespace) => {
    const out: string[] = [];
    const current = await readOptional(() =>
      core.readNamespacedSecret({ name: pullSecretName, namespace }, opts),
    );
    const labels = { ...managedBy, [writtenByLabel]: taskName };
    if (!current) {
      const body: V1Secret = {
        metadata: { name: pullSecretName, namespace, labels },
        type: secretType,
        data: source.data,
      };
      await core.createNamespacedSecret({ namespace, body }, opts);
      out.push(`created Secret ${namespace}/${pullSecretName}`);
    } else if (current.metadata?.labels?.[writtenByLabel] === taskName && !sameData(current, source)) {
      const body: V1Secret = {
        metadata: {
          name: pullSecretName,
          namespace,
          labels,
          resourceVersion: current.metadata?.resourceVersion,
        },
        type: secretType,
        data: source.data,
      };
      await core.replaceNamespacedSecret({ name: pullSecretName, namespace, body }, opts);
      out.push(`updated Secret ${namespace}/${pullSecretName}`);
    }
    if (await setServiceAccountEntry(core, namespace, true, signal))
      out.push(`added ${pullSecretName} to ServiceAccount ${namespace}/default imagePullSecrets`);
    return out;
  });
  return { changed };
}

async function remove(core: CoreV1Api, namespaces: string[], { signal }: TaskContext) {
  const opts = requestOptions(signal);
  const changed = await eachBounded(namespaces, signal, async (namespace) => {
    const out: string[] = [];
    const current = await readOptional(() =>
      core.readNamespacedSecret({ name: pullSecretName, namespace }, opts),
    );
    if (current?.metadata?.labels?.[writtenByLabel] === taskName) {
      await core.deleteNamespacedSecret({ name: pullSecretName, namespace }, opts);
      out.push(`deleted Secret ${namespace}/${pullSecretName} (pull secret disabled)`);
    }
    if (await setServiceAccountEntry(core, namespace, false, signal))
      out.push(`removed ${pullSecretName} from ServiceAccount ${namespace}/default imagePullSecrets`);
    return out;
  });
  return { changed };
}

function sameData(a: V1Secret, b: V1Secret): boolean {
  return a.type === b.type && a.data?.['.dockerconfigjson'] === b.data?.['.dockerconfigjson'];
}

/** Adds or removes the pull secret in the default ServiceAccount; true when it changed something. */
async function setServiceAccountEntry(
  core: CoreV1Api,
  namespace: string,
  present: boolean,
  signal: AbortSignal,
) {
  const name = 'default';
  const opts = requestOptions(signal);
  const sa = await readOptional(() => core.readNamespacedServiceAccount({ name, namespace }, opts));
  const entries = sa?.imagePullSecrets ?? [];
  const listed = entries.some((e) => e.name === pullSecretName);
  if (listed === present) return false;
  if (!sa) {
    // The ServiceAccount controller has not made it yet (a namespace seconds old): make it ourselves.
    try {
      await core.createNamespacedServiceAccount(
        { namespace, body: { metadata: { name, namespace }, imagePullSecrets: [{ name: pullSecretName }] } },
        opts,
      );
      return true;
    } catch (err) {
      if (!isConflict(err)) throw err;
      return setServiceAccountEntry(core, namespace, present, signal); // the controller won the race
    }
  }
  const imagePullSecrets = present
    ? [...entries, { name: pullSecretName }]
    : entries.filter((e) => e.name !== pullSecretName);
  // A merge patch replaces the whole list; the resourceVersion makes a concurrent change fail, not vanish.
  await core.patchNamespacedServiceAccount(
    {
      name,
      namespace,
      body: { metadata: { resourceVersion: sa.metadata?.resourceVersion }, imagePullSecrets },
    },
    requestOptions(signal, mergePatch),
  );
  return true;
}
