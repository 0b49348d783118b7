// helm behind one narrow interface: the real one is the long-lived helm engine (helm-engine.ts,
// the pinned helm SDK in one process); a recording fake (test/helpers/fake-helm.ts) lets the render
// and deploy engines be tested without processes, and the pinned helm CLI spawned per release
// (test/helpers/spawn-helm.ts) is the reference the engine is held to.
// The releases stay real Helm releases, so `helm list -A` and `helm history` tell runlevel's story.

/** One row of `helm list`: the latest revision of a release, whatever its status. */
export interface HelmRelease {
  name: string;
  namespace: string;
  revision: number;
  status: string; // deployed | failed | pending-install | pending-upgrade | pending-rollback | superseded | uninstalling
  chart: string;
}

/**
 * The target cluster as helm's `.Capabilities` sees it. `helm upgrade` reads it from the cluster;
 * `helm template` must be told, or it renders for helm's built-in Kubernetes v1.20.0.
 */
export interface Capabilities {
  kubeVersion: string; // v1.35.4
  /** group/version and group/version/Kind entries (`apps/v1`, `apps/v1/Deployment`), sorted. */
  apiVersions: string[];
}

/**
 * helm's post-renderer, run in the core's own process: the release's manifest as helm hands it
 * (hooks excepted) in, what helm goes on with (and stores) out. A throw fails that release.
 */
export type PostRender = (manifest: string) => string;

export interface TemplateRequest {
  name: string;
  namespace: string;
  chartDir: string; // absolute
  values: Record<string, unknown>;
  capabilities?: Capabilities;
  /** helm template --post-renderer. */
  postRender?: PostRender;
}

/** helm template's stdout, or its stderr for the caller to explain (render/errors.ts does). */
export type TemplateResult = { ok: true; manifest: string } | { ok: false; stderr: string };

export interface UpgradeRequest {
  name: string;
  namespace: string;
  chartPath: string; // relative to the core
  values: Record<string, unknown>;
  /** helm's post-renderer: helm passes the release's manifest (hooks excepted) through it before storing it. */
  postRender?: PostRender;
}

export interface Helm {
  template(release: TemplateRequest): Promise<TemplateResult>;
  /** upgrade --install; returns the new revision. */
  upgrade(release: UpgradeRequest, timeoutMs: number): Promise<number>;
  rollback(name: string, namespace: string, revision: number): Promise<void>;
  uninstall(name: string, namespace: string): Promise<void>;
  list(): Promise<HelmRelease[]>;
  /** The manifest and hooks stored with the current revision; undefined when helm has no such release. */
  getManifest(name: string, namespace: string): Promise<string | undefined>;
}
