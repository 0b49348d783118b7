// What helm's `.Capabilities` must say for a render to be the one the cluster gets: the target
// Kubernetes version and its API versions. `helm upgrade` reads both from the cluster; `helm
// template` falls back to helm's built-in v1.20.0 (our helm is built without a version setting),
// so 4 of 5 real charts refused to render. The target is, in this order: the cluster when a command
// is connected to one (helm upgrade will see exactly that), else `cluster.kubernetesVersion` and
// `cluster.apiVersions` from values, else the pinned Kubernetes; the API versions of every CRD the
// platform's charts define are added, because they exist by the time a later release is upgraded.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Capabilities } from '../shared/helm.js';
import { log } from '../shared/log.js';
import { coreRoot } from '../shared/paths.js';
import { pinnedVersion } from '../shared/tools.js';

export type { Capabilities } from '../shared/helm.js';

/** The part of the values that names the target cluster's Kubernetes. */
export interface ClusterApiSettings {
  kubernetesVersion?: string;
  apiVersions?: string[];
}

/**
 * "1.35.4" → v1.35.4; "1.35" → the pinned Kubernetes when it is a 1.35 (v1.35.4), else v1.35.0;
 * "v1.29.3-eks-1" is kept (helm reads it as semver).
 */
export function normaliseKubeVersion(version: string, pinned = pinnedVersion('kube-apiserver')): string {
  const v = version.startsWith('v') ? version : `v${version}`;
  if (!/^v\d+\.\d+$/.test(v)) return v;
  return minorOf(pinned) === minorOf(v) ? pinned : `${v}.0`;
}

const minorOf = (v: string) => /^v?(\d+\.\d+)/.exec(v)?.[1] ?? '';

/**
 * The built-in kinds of a Kubernetes minor as helm's discovery lists them (group/version and
 * group/version/Kind), from the schemas check uses (read from that API server's /openapi/v2).
 * A minor we hold no schemas for falls back to the pinned one's.
 */
export function builtInApiVersions(kubeVersion: string): string[] {
  const dir = (minor: string) => join(coreRoot, 'schemas/k8s', `v${minor}`, 'index.json');
  let file = dir(minorOf(kubeVersion));
  if (!existsSync(file)) file = dir(minorOf(pinnedVersion('kube-apiserver')));
  if (!existsSync(file)) return [];
  const index = JSON.parse(readFileSync(file, 'utf8')) as { kinds?: { apiVersion: string; kind: string }[] };
  return (index.kinds ?? []).flatMap((k) => [k.apiVersion, `${k.apiVersion}/${k.kind}`]);
}

/** group/version and group/version/Kind of every served version of these CRDs. */
export function crdApiVersions(crds: readonly Record<string, unknown>[]): string[] {
  const out: string[] = [];
  for (const crd of crds) {
    if (crd.kind !== 'CustomResourceDefinition') continue;
    const spec = crd.spec as
      | { group?: string; names?: { kind?: string }; versions?: { name?: string; served?: boolean }[] }
      | undefined;
    if (!spec?.group || !spec.names?.kind) continue;
    for (const v of spec.versions ?? []) {
      if (!v.name || v.served === false) continue;
      out.push(`${spec.group}/${v.name}`, `${spec.group}/${v.name}/${spec.names.kind}`);
    }
  }
  return out;
}

/**
 * The capabilities to render with. `live` is what the connected cluster said; values name the
 * target when no cluster is reachable and are overridden by a cluster that says otherwise (with a
 * warning: what is checked must be what the cluster will get).
 */
export function targetCapabilities(opts: {
  settings?: ClusterApiSettings;
  live?: Capabilities;
  platformCrds?: readonly Record<string, unknown>[];
}): Capabilities {
  const wanted = opts.settings?.kubernetesVersion;
  const live = opts.live;
  if (live && wanted && minorOf(normaliseKubeVersion(wanted)) !== minorOf(live.kubeVersion)) {
    log.warn(
      `values say cluster.kubernetesVersion ${wanted}, the cluster runs ${live.kubeVersion}: rendering for the cluster`,
    );
  }
  const kubeVersion = live?.kubeVersion ?? normaliseKubeVersion(wanted ?? pinnedVersion('kube-apiserver'));
  const apiVersions = new Set([
    ...(live?.apiVersions ?? builtInApiVersions(kubeVersion)),
    ...(opts.settings?.apiVersions ?? []),
    ...crdApiVersions(opts.platformCrds ?? []),
  ]);
  return { kubeVersion, apiVersions: [...apiVersions].sort() };
}
