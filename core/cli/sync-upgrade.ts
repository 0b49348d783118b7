// The agent's self-upgrade: a commit pins this cluster to another core, so the agent does not
// deploy with its own (wrong) core. It checks that the pinned image is in the registry (the
// mirror, when images are mirrored) and, when the values repo holds a cosign.pub, that it is
// signed with that key (offline); then it moves its own Deployment to that image by digest and
// records the hand-over. Kubernetes replaces the pod (Recreate); the new core deploys, keeping
// that image (agent-image.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppsV1Api, type KubeConfig } from '@kubernetes/client-node';
import { verifyRegistrySignature } from '../bundle/signature.js';
import { craneBlob, craneDigest, craneManifest } from '../bundle/tools.js';
import type { ClusterStore } from '../deploy/cluster.js';
import { upsertDeploy } from '../deploy/record.js';
import { withRetry } from '../shared/kube.js';
import { log } from '../shared/log.js';
import type { AgentPorts } from '../sync/agent.js';
import { writtenRepository } from '../sync/agent-image.js';
import type { GitRemote } from '../sync/git.js';
import { coreVersion } from './commands/version.js';
import { imageRepository } from './pin.js';

export interface SelfUpgradeOptions {
  kc: KubeConfig;
  store: ClusterStore;
  git: GitRemote;
  cluster: string;
  /** Where the agent's own Deployment is (the chart sets RUNLEVEL_AGENT_NAMESPACE). */
  namespace: string;
  deployment?: string;
}

export function selfUpgrade(o: SelfUpgradeOptions): AgentPorts['upgrade'] {
  const name = o.deployment ?? 'runlevel-agent';
  return async (commit, to) => {
    const apps = o.kc.makeApiClient(AppsV1Api);
    // The repository the agent itself came from (the mirror, air-gapped): the new core comes from there too.
    const own = await withRetry(`read ${name}`, () =>
      apps.readNamespacedDeployment({ name, namespace: o.namespace }),
    );
    const current = own.spec?.template.spec?.containers.find((x) => x.name === 'agent')?.image;
    const repository = current ? repositoryOf(current) : imageRepository();
    const ref = `${repository}:${to}`;
    const tree = await o.git.checkout(commit);
    const key = join(tree, 'cosign.pub');
    // crane is in the image, cosign is not: the signature is checked with node's crypto (offline).
    const digest = await craneDigest(ref);
    if (!digest) {
      return {
        ok: false,
        cause: 'invalid',
        reason: `core ${to} is not in the registry: ${ref} was not found`,
      };
    }
    if (existsSync(key)) {
      const sigTag = `${repository}:${digest.replace(':', '-')}.sig`;
      const manifest = (await craneDigest(sigTag)) ? JSON.stringify(await craneManifest(sigTag)) : undefined;
      const verdict = manifest
        ? await verifyRegistrySignature(key, digest, manifest, (d) => craneBlob(`${repository}@${d}`))
        : { ok: false as const, reason: `no signature (${sigTag}) in the registry` };
      if (!verdict.ok) {
        return {
          ok: false,
          cause: 'invalid',
          reason: `core ${to} (${ref}, ${digest}) is not signed with the values repo's cosign.pub: ${verdict.reason}`,
        };
      }
    }
    // By digest (what was verified); the tag beside it says which core it is (agent-image.ts).
    const image = `${repository}:${to}@${digest}`;
    await withRetry(`move ${name} to ${image}`, async () => {
      const d = await apps.readNamespacedDeployment({ name, namespace: o.namespace });
      const c = d.spec?.template.spec?.containers.find((x) => x.name === 'agent');
      if (!c) throw new Error(`Deployment ${o.namespace}/${name} has no container "agent"`);
      c.image = image;
      await apps.replaceNamespacedDeployment({ name, namespace: o.namespace, body: d });
    });
    const now = new Date().toISOString();
    await o.store
      .updateRecord((r) =>
        upsertDeploy(r, {
          id: `${Date.now().toString(36)}-${process.pid}-handover`,
          command: 'deploy',
          cluster: o.cluster,
          coreVersion: coreVersion(),
          valuesCommit: commit.slice(0, 12),
          started: now,
          ended: now,
          outcome: 'succeeded',
          releases: [],
          handover: { to, image },
        }),
      )
      .catch((err) => {
        // The hand-over happened (the Deployment moved): said, not undone.
        log.warn(`the hand-over to ${image} is not in the deploy record: ${(err as Error).message}`);
      });
    return { ok: true, image };
  };
}

/** registry:5000/a/runlevel:0.1.0@sha256:… → registry:5000/a/runlevel */
export const repositoryOf = writtenRepository;

/** The image the agent's own Deployment names now; undefined when there is none. */
export function liveImage(o: Pick<SelfUpgradeOptions, 'kc' | 'namespace' | 'deployment'>) {
  return async (): Promise<string | undefined> => {
    const d = await o.kc
      .makeApiClient(AppsV1Api)
      .readNamespacedDeployment({ name: o.deployment ?? 'runlevel-agent', namespace: o.namespace });
    return d.spec?.template.spec?.containers.find((x) => x.name === 'agent')?.image;
  };
}
