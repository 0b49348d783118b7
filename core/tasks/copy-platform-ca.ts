// copy-platform-ca: the platform's CA bundle (ConfigMap runlevel-system/platform-ca, key ca.crt)
// into every team namespace, so team workloads trust the platform's internal endpoints.
// No source ConfigMap means the platform has no private CA: nothing to copy, and copies made
// earlier are left alone (a CA that disappears is more likely an accident than a wish).
import { CoreV1Api, type V1ConfigMap } from '@kubernetes/client-node';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { log } from '../shared/log.js';
import {
  eachBounded,
  managedBy,
  readOptional,
  requestOptions,
  requireNamespaces,
  systemNamespace,
  writtenByLabel,
} from './kube.js';
import type { Task } from './types.js';
import { teamNames, teamNamespace } from './values.js';

const name = 'platform-ca';
const key = 'ca.crt';

export const copyPlatformCa: Task = {
  name: 'copy-platform-ca',
  description: `copy ConfigMap ${systemNamespace}/${name} (${key}) into every team namespace`,
  async run({ kc, values, signal }) {
    const core = kc.makeApiClient(CoreV1Api);
    const opts = requestOptions(signal);
    const source = await readOptional(() =>
      core.readNamespacedConfigMap({ name, namespace: systemNamespace }, opts),
    );
    if (!source) {
      log.info(`no ConfigMap ${systemNamespace}/${name}: nothing to copy`);
      return { changed: [] };
    }
    const ca = source.data?.[key];
    if (!ca) {
      throw new UserError(`ConfigMap ${systemNamespace}/${name} has no key ${key}`, {
        exitCode: ExitCode.deployFailed,
        hint: `put the PEM bundle under data.${key}`,
      });
    }
    const namespaces = teamNames(values).map(teamNamespace);
    await requireNamespaces(core, namespaces, signal);

    const changed = await eachBounded(namespaces, signal, async (namespace) => {
      const out: string[] = [];
      const wanted: V1ConfigMap = {
        metadata: { name, namespace, labels: { ...managedBy, [writtenByLabel]: 'copy-platform-ca' } },
        data: { [key]: ca },
      };
      const current = await readOptional(() => core.readNamespacedConfigMap({ name, namespace }, opts));
      if (!current) {
        await core.createNamespacedConfigMap({ namespace, body: wanted }, opts);
        out.push(`created ConfigMap ${namespace}/${name}`);
      } else if (current.data?.[key] !== ca || current.metadata?.labels?.[writtenByLabel] === undefined) {
        // Replace with the resourceVersion read: a concurrent writer makes this fail (409), not lose data.
        const labels = { ...current.metadata?.labels, ...wanted.metadata?.labels };
        const metadata = { ...wanted.metadata, labels, resourceVersion: current.metadata?.resourceVersion };
        const body: V1ConfigMap = { metadata, data: { ...current.data, [key]: ca } };
        await core.replaceNamespacedConfigMap({ name, namespace, body }, opts);
        out.push(`updated ConfigMap ${namespace}/${name}`);
      }
      return out;
    });
    return { changed };
  },
};
