// What `runlevel images` lists and `runlevel bundle create` carries: every image the rendered
// platform runs, each with where it comes from. Shared by core/images and core/bundle.

/** One place an image is used: a field of a rendered object, and the values line that set it. */
export interface ImageUse {
  runlevel: string;
  release: string;
  namespace?: string;
  /** Kind/name of the object. */
  object: string;
  /** Field path as status prints it: spec.template.spec.containers[name=app].image. */
  field: string;
  /** The values file:line:col that set it; absent when the chart's own default set it. */
  values?: { file: string; line: number; col: number };
  /** The chart file that set it when no values file did: charts/app/values.yaml:12. */
  chartDefault?: string;
  /**
   * Where each part came from, read from the template that wrote the field: the repository from
   * one values line, the tag from the chart's appVersion (Chart.yaml:5), the registry from
   * global.imageRegistry. `values` and `chartDefault` above are the repository's (or first part's).
   */
  parts?: ImageOrigin[];
  /** Neither a values line nor a chart default is known to have set it: said, never guessed. */
  unknown?: true;
  /**
   * helm.sh/hook of a hook object (pre-install, post-upgrade, …): helm's post-renderer never sees
   * hooks, so the mirror rewrite does not reach this use (check refuses it outside the mirror).
   */
  hook?: string;
}

export interface PlatformImage {
  /** The reference as the charts render it (before the mirror), in full form (formatImageRef). */
  source: string;
  /** Where the cluster pulls it from after the mirror rewrite; equals source when no mirror. */
  target: string;
  /** sha256 digest from images.lock.yaml, when pinned. */
  digest?: string;
  /** The runlevel core image itself (pinned by runlevel.yaml), not a platform workload. */
  core?: boolean;
  /** For the core image: where runlevel.yaml pins its version. */
  pin?: { file: string; line: number; col: number };
  uses: ImageUse[];
}

export type ImagePart = 'registry' | 'repository' | 'tag' | 'digest';

/** One part of an image reference and the place that set it: a values file line or a chart file line. */
export interface ImageOrigin {
  part: ImagePart;
  values?: { file: string; line: number; col: number };
  /** charts/app/values.yaml:12, charts/cert-manager/Chart.yaml:5 */
  chart?: string;
  /** No read of the template explains this part (a literal, a `tpl`), or two range items alike. */
  unknown?: true;
}
