// The agent's self-upgrade: a commit pins this cluster to another core, so the agent does not
// deploy with its own (wrong) core. It checks that the pinned image is in the registry (the
// mirror, when images are mirrored) and, when the values repo holds a cosign.pub, that it is
// signed with that key (offline); then it moves its own Deployment to that image by digest and
// records the hand-over. Kubernetes replaces the pod (Recreate); the new core deploys.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppsV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { ClusterStore } from '../deploy/cluster.js';
import { upsertDeploy } from '../deploy/record.js';
import { run } from '../shared/exec.js';
import { withRetry } from '../shared/kube.js';
import type { AgentPorts } from '../sync/agent.js';
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

/** cosign without the network: no transparency log, no TUF root (see core/bundle/tools.ts). */
const offline = { SIGSTORE_CT_LOG_PUBLIC_KEY_FILE: '/dev/null' };

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
    let digest: string;
    if (existsSync(key)) {
      const r = await run(
        'cosign',
        ['verify', '--key', key, '--offline=true', '--insecure-ignore-tlog=true', ref],
        {
          reject: false,
          env: offline,
          timeoutMs: 120_000,
        },
      );
      if (r.exitCode !== 0) {
        return {
          ok: false,
          cause: 'invalid',
          reason: `core ${to} (${ref}) does not verify with cosign.pub: ${lastLine(String(r.stderr))}`,
        };
      }
      const found = /"docker-manifest-digest":"(sha256:[0-9a-f]{64})"/.exec(String(r.stdout))?.[1];
      if (!found)
        return { ok: false, cause: 'invalid', reason: `cosign verified ${ref} but named no digest` };
      digest = found;
    } else {
      const r = await run('crane', ['digest', ref], { reject: false, timeoutMs: 60_000 });
      if (r.exitCode !== 0) {
        return {
          ok: false,
          cause: 'invalid',
          reason: `core ${to} is not in the registry (${ref}): ${lastLine(String(r.stderr))}`,
        };
      }
      digest = String(r.stdout).trim();
    }
    const image = `${repository}@${digest}`;
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
      .catch(() => {
        // The hand-over happened; the record is the new agent's to complete.
      });
    return { ok: true, image };
  };
}

/** registry:5000/a/runlevel:0.1.0@sha256:… → registry:5000/a/runlevel */
export function repositoryOf(image: string): string {
  const noDigest = image.split('@')[0] ?? image;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return (lines.find((l) => /^Error: /.test(l)) ?? lines.at(-1) ?? 'no output').replace(/^Error: /, '');
}
