// helm's rendered output split the way helm labels it: one file per chart template (the
// `# Source:` comment), and the objects in it with the line each starts on.
import { splitDocuments } from '../shared/yaml/documents.js';
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

interface Header {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string | undefined;
  hook?: string;
}

/**
 * apiVersion, kind, metadata.name and metadata.namespace of one document. Helm output is block
 * YAML, so a line scan finds them without parsing the whole object (parsing every object was a
 * fifth of the render time); anything unusual falls back to the YAML parser.
 */
export function objectHeader(text: string): Header | undefined {
  // Hooks are few: their annotations are read by the full parser.
  if (text.includes('helm.sh/hook')) return parsedHeader(text);
  const top: Record<string, string> = {};
  const meta: Record<string, string> = {};
  let inMeta = false;
  let metaIndent = '';
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#') || line === '---') continue;
    if (!/^\s/.test(line)) {
      inMeta = line === 'metadata:';
      const m = /^(apiVersion|kind): *(.*)$/.exec(line);
      if (m?.[1]) top[m[1]] = m[2] ?? '';
      else if (!inMeta && /^metadata:/.test(line)) return parsedHeader(text); // flow style
      continue;
    }
    if (!inMeta) continue;
    // metadata's own keys sit at the indentation of its first child; deeper ones (labels) do not count.
    if (!metaIndent) metaIndent = /^(\s+)/.exec(line)?.[1] ?? '';
    const m = /^(\s+)(name|namespace): *(.*)$/.exec(line);
    if (m?.[2] && m[1] === metaIndent) meta[m[2]] = m[3] ?? '';
  }
  const scalars = [top.apiVersion, top.kind, meta.name, meta.namespace];
  if (top.apiVersion === undefined && top.kind === undefined) return parsedHeader(text);
  if (scalars.some((v) => v !== undefined && !/^[\w./@:-]*$/.test(v))) return parsedHeader(text); // quoted or odd
  return {
    apiVersion: top.apiVersion ?? '',
    kind: top.kind ?? '',
    name: meta.name ?? '',
    namespace: meta.namespace,
  };
}

function parsedHeader(text: string): Header | undefined {
  const body = parseYaml(text) as Record<string, unknown> | null;
  if (!body || typeof body !== 'object') return undefined;
  const meta = (body.metadata ?? {}) as Record<string, unknown>;
  const hook = (meta.annotations as Record<string, unknown> | undefined)?.['helm.sh/hook'];
  return {
    apiVersion: String(body.apiVersion ?? ''),
    kind: String(body.kind ?? ''),
    name: String(meta.name ?? ''),
    namespace: typeof meta.namespace === 'string' ? meta.namespace : undefined,
    ...(typeof hook === 'string' && hook.trim() !== '' ? { hook: hook.replace(/\s+/g, '') } : {}),
  };
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
