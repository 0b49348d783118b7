// team-credentials: per team a Secret team-credentials in team-<team> holding a random token.
// Created once: a re-run never rotates it (rotation is deleting the Secret and re-running).
// The token is registered with log.redact the moment it exists and never printed.
import { randomBytes } from 'node:crypto';
import { CoreV1Api, type V1Secret } from '@kubernetes/client-node';
import { log } from '../shared/log.js';
import {
  eachBounded,
  managedBy,
  mergePatch,
  readOptional,
  requestOptions,
  requireNamespaces,
  writtenByLabel,
} from './kube.js';
import type { Task } from './types.js';
import { teamNames, teamNamespace } from './values.js';

const name = 'team-credentials';
const key = 'token';

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export const teamCredentials: Task = {
  name: 'team-credentials',
  description: `create a Secret ${name} with a random ${key} in every team namespace (never rotated)`,
  async run({ kc, values, signal }) {
    const core = kc.makeApiClient(CoreV1Api);
    const opts = requestOptions(signal);
    const namespaces = teamNames(values).map(teamNamespace);
    await requireNamespaces(core, namespaces, signal);

    const changed = await eachBounded(namespaces, signal, async (namespace) => {
      const out: string[] = [];
      const current = await readOptional(() => core.readNamespacedSecret({ name, namespace }, opts));
      const existing = current?.data?.[key];
      if (existing) {
        log.redact(Buffer.from(existing, 'base64').toString('utf8'));
        return out;
      }
      const token = newToken();
      log.redact(token);
      const data = { [key]: Buffer.from(token).toString('base64') };
      if (!current) {
        const body: V1Secret = {
          metadata: { name, namespace, labels: { ...managedBy, [writtenByLabel]: 'team-credentials' } },
          type: 'Opaque',
          data,
        };
        await core.createNamespacedSecret({ namespace, body }, opts);
        out.push(`created Secret ${namespace}/${name}`);
      } else {
        // The Secret exists without a token (made by hand?): add the key, keep the rest.
        await core.patchNamespacedSecret(
          { name, namespace, body: { data } },
          requestOptions(signal, mergePatch),
        );
        out.push(`added ${key} to Secret ${namespace}/${name}`);
      }
      return out;
    });
    return { changed };
  },
};
