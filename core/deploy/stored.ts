// The manifests helm stored for each deployed release, read straight from helm's own storage
// (one list of its release Secrets, not one `helm get manifest` process per release). A deploy
// uses them for releases whose input is unchanged, so it renders only what changed and still
// checks every object that will be in the cluster.
import { gunzipSync } from 'node:zlib';
import type { CoreV1Api } from '@kubernetes/client-node';
import { type RetryOptions, withRetry } from '../shared/kube.js';
import { releaseDigest } from './plan.js';
import { type ClusterRecord, releaseKey } from './record.js';

export interface StoredRelease {
  revision: number;
  manifest: string;
  /** The values that revision was installed with (may hold secrets: only ever used to mask them). */
  values?: Record<string, unknown>;
}

interface HelmStoredRelease {
  name: string;
  namespace: string;
  version: number;
  manifest?: string;
  hooks?: { path?: string; manifest?: string }[];
  config?: Record<string, unknown>;
}

/** key namespace/name → the deployed revision's manifest, hooks included as helm template prints them. */
export async function storedManifests(
  api: CoreV1Api,
  retry?: RetryOptions,
): Promise<Map<string, StoredRelease>> {
  const list = await withRetry(
    'read helm releases',
    () => api.listSecretForAllNamespaces({ labelSelector: 'owner=helm,status=deployed' }),
    retry,
  );
  const out = new Map<string, StoredRelease>();
  for (const secret of list.items) {
    const data = secret.data?.release;
    if (!data) continue;
    const release = decodeHelmRelease(data);
    if (!release) continue;
    const previous = out.get(releaseKey(release));
    if (previous && previous.revision > release.version) continue;
    const hooks = (release.hooks ?? [])
      .filter((h) => h.manifest)
      .map((h) => `---\n# Source: ${h.path ?? 'hook'}\n${h.manifest}`);
    out.set(releaseKey(release), {
      revision: release.version,
      manifest: [release.manifest ?? '', ...hooks].join('\n'),
      ...(release.config ? { values: release.config } : {}),
    });
  }
  return out;
}

/** A Secret's `release` field: base64 (the API) of base64 (helm) of gzip of JSON. */
export function decodeHelmRelease(secretData: string): HelmStoredRelease | undefined {
  try {
    const helmText = Buffer.from(secretData, 'base64').toString('utf8');
    let bytes = Buffer.from(helmText, 'base64');
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
    const release = JSON.parse(bytes.toString('utf8')) as HelmStoredRelease;
    return typeof release.name === 'string' && typeof release.version === 'number' ? release : undefined;
  } catch {
    return undefined; // not a release helm wrote: render that one instead
  }
}

/**
 * The render's `reuse`: a release whose input digest is the one recorded at its deployed revision
 * gets the manifests helm stored for that revision (the same input renders the same output).
 */
export function reuseDeployed(
  record: ClusterRecord,
  stored: Map<string, StoredRelease>,
): (release: { namespace: string; name: string }, inputDigest: string) => string | undefined {
  return (release, inputDigest) => {
    const key = releaseKey(release);
    const deployed = record.releases[key];
    const kept = stored.get(key);
    if (!deployed || !kept || deployed.revision !== kept.revision) return undefined;
    return deployed.digest === releaseDigest({ inputDigest }) ? kept.manifest : undefined;
  };
}

export interface DeployedState {
  record: ClusterRecord;
  stored: Map<string, StoredRelease>;
  /** The render's `reuse` for this state. */
  reuse: (release: { namespace: string; name: string }, inputDigest: string) => string | undefined;
}

/** The record and helm's stored manifests, read at once; commands start it while values load. */
export async function readDeployedState(
  store: {
    readRecord(retry?: RetryOptions): Promise<ClusterRecord>;
    storedReleases(retry?: RetryOptions): Promise<Map<string, StoredRelease>>;
  },
  retry?: RetryOptions,
): Promise<DeployedState> {
  const [record, stored] = await Promise.all([store.readRecord(retry), store.storedReleases(retry)]);
  return { record, stored, reuse: reuseDeployed(record, stored) };
}
