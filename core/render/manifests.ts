// helm's rendered output split the way helm labels it: one file per chart template (the
// `# Source:` comment), and the objects in it with the line each starts on.
import { splitDocuments } from '../shared/yaml/documents.js';
import { objectHeader } from '../shared/yaml/object-header.js';
import { parseYaml } from '../shared/yaml/plain.js';

export interface RenderedFile {
  path: string; // inside the release directory: deployment.yaml, charts/sub/templates/x.yaml
  source: string; // helm's # Source: name, <chart>/templates/deployment.yaml
  text: string;
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string; // absent for cluster-scoped objects
  name: string;
  file: string; // <runlevel>/<release>/<path>, relative to the output directory
  line: number; // 1-based line of the object's first line in that file
  /**
   * helm.sh/hook of a hook object (`post-install,post-upgrade`, `test`): helm runs it during the
   * upgrade (and waits for it) or only in `helm test`; it is not part of the release's manifest.
   */
  hook?: string;
  /** Why a render of it is not repeatable (`lookup`, `random`): see render/varying.ts. */
  varies?: string[];
}

interface Doc {
  source: string;
  text: string; // "---\n# Source: …\n…" exactly as helm wrote it, ending in a newline
}

/** helm's stdout as its documents, each labelled with its template and its text kept byte for byte. */
export function helmDocuments(manifest: string): Doc[] {
  return splitDocuments(manifest.replace(/\r\n/g, '\n')).map(({ text }) => ({
    source: /^# Source: (.+)$/m.exec(text)?.[1]?.trim() ?? 'unlabelled.yaml',
    text: `---\n${text.endsWith('\n') ? text : `${text}\n`}`,
  }));
}

/** The file a template's output goes to: its path inside the chart without <chart>/templates/. */
export function fileForSource(source: string): string {
  const inChart = source.split('/').slice(1).join('/') || source;
  const path = inChart.startsWith('templates/') ? inChart.slice('templates/'.length) : inChart;
  return /\.ya?ml$/.test(path) ? path : `${path}.yaml`;
}

/** Group documents into files (first appearance order) and list the objects with their lines. */
export function splitManifest(
  manifest: string,
  releaseDir: string,
  namespaceOf: (apiVersion: string, kind: string, declared: string | undefined) => string | undefined,
): { files: RenderedFile[]; objects: ObjectRef[] } {
  const files = new Map<string, RenderedFile>();
  const objects: ObjectRef[] = [];
  for (const doc of helmDocuments(manifest)) {
    const path = fileForSource(doc.source);
    let file = files.get(path);
    if (!file) {
      file = { path, source: doc.source, text: '' };
      files.set(path, file);
    }
    const startLine = file.text.split('\n').length; // the line this document's "---" lands on
    file.text += doc.text;
    const head = objectHeader(doc.text);
    if (!head) continue; // a template that rendered only comments
    const namespace = namespaceOf(head.apiVersion, head.kind, head.namespace);
    objects.push({
      apiVersion: head.apiVersion,
      kind: head.kind,
      ...(namespace ? { namespace } : {}),
      name: head.name,
      file: `${releaseDir}/${path}`,
      line: startLine + firstContentLine(doc.text),
      ...(head.hook ? { hook: head.hook } : {}),
    });
  }
  return { files: [...files.values()].sort((a, b) => a.path.localeCompare(b.path)), objects };
}

/** Offset (0-based) of the first line that is not "---", a comment or blank. */
function firstContentLine(text: string): number {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.trim() !== '' && l !== '---' && !l.startsWith('#'));
  return Math.max(i, 0);
}

/** Kinds the API server keeps cluster-wide; CRDs rendered alongside add theirs (see scopes()). */
export const clusterScopedKinds = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'CSIDriver',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'APIService',
  'PriorityClass',
  'IngressClass',
  'RuntimeClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'FlowSchema',
  'PriorityLevelConfiguration',
  'VolumeAttachment',
  'ConstraintTemplate',
]);

/** group/Kind → cluster scope, from the CRDs found in rendered manifests. */
export function crdScopes(manifests: readonly string[]): Map<string, boolean> {
  const scopes = new Map<string, boolean>();
  for (const m of manifests) {
    if (!m.includes('CustomResourceDefinition')) continue;
    for (const doc of helmDocuments(m)) {
      const body = parseYaml(doc.text) as {
        kind?: string;
        spec?: { group?: string; scope?: string; names?: { kind?: string } };
      } | null;
      if (body?.kind !== 'CustomResourceDefinition' || !body.spec?.group || !body.spec.names?.kind) continue;
      scopes.set(`${body.spec.group}/${body.spec.names.kind}`, body.spec.scope === 'Cluster');
    }
  }
  return scopes;
}
