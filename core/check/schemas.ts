// Kubernetes schema validation of every rendered object, offline: the pinned kubeconform against
// schemas/k8s/v<minor>/ (generated from the pinned API server) and the custom resources' schemas
// derived from their CRDs. Results come back per object; each broken field becomes one finding
// on the line of that field.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ToolError } from '../shared/errors.js';
import { run } from '../shared/exec.js';
import { ExitCode } from '../shared/exit-codes.js';
import { coreRoot } from '../shared/paths.js';
import { pinnedVersion } from '../shared/tools.js';
import { customResourceSchemas } from './crd-schemas.js';
import type { Finding } from './findings.js';
import { lineOfPointer } from './locate.js';
import { objectId } from './policies.js';
import type { RenderedObject, RenderedSet } from './rendered.js';

export interface KubeconformResult {
  filename: string;
  kind: string;
  name: string;
  version: string;
  status: 'statusValid' | 'statusInvalid' | 'statusError' | 'statusSkipped' | 'statusEmpty';
  msg: string;
}

const hints: Record<string, string> = {
  'schema/unknown-field': 'remove the field or fix its spelling; the API server would reject or drop it',
  'schema/required': 'add the missing field',
  'schema/type': 'give the field a value of the type the API expects (quote numbers meant as strings)',
  'schema/enum': 'use one of the values the API allows',
  'schema/unknown-kind':
    "check apiVersion and kind; a custom resource needs its CRD in the render or in a chart's crds/ (sub-charts' too)",
  'schema/yaml': 'fix the YAML the chart template renders (duplicate or malformed keys)',
  'schema/invalid': 'make the object match the Kubernetes API schema',
};

/** schemas/k8s/v<minor of the pinned kube-apiserver>. */
export function kubernetesSchemaDir(): string {
  const minor = pinnedVersion('kube-apiserver').replace(/^v/, '').split('.').slice(0, 2).join('.');
  return join(coreRoot, 'schemas/k8s', `v${minor}`);
}

/**
 * Start kubeconform over the whole render. It reads the files itself, so it runs while we parse
 * them for the policies; it needs only the objects that define kinds (CRDs, ConstraintTemplates).
 */
export async function runKubeconform(
  dir: string,
  definers: readonly Record<string, unknown>[],
  k8sDir = kubernetesSchemaDir(),
): Promise<KubeconformResult[]> {
  const crdDir = await mkdtemp(join(tmpdir(), 'runlevel-crd-schemas-'));
  try {
    for (const [file, schema] of customResourceSchemas(definers, k8sDir)) {
      await writeFile(join(crdDir, file), JSON.stringify(schema));
    }
    const location = (d: string) => `${d}/{{ .ResourceKind }}{{ .KindSuffix }}.json`;
    const result = await run(
      'kubeconform',
      [
        '-strict',
        '-output',
        'json',
        '-n',
        String(Math.max(2, availableParallelism())),
        '-schema-location',
        location(k8sDir),
        '-schema-location',
        location(crdDir),
        '-ignore-filename-pattern',
        'index\\.json$',
        dir,
      ],
      { reject: false },
    );
    if (result.exitCode !== 0 && result.exitCode !== 1) {
      throw new ToolError(`kubeconform failed (exit ${result.exitCode}): ${String(result.stderr).trim()}`, {
        exitCode: ExitCode.unexpected,
      });
    }
    const out = JSON.parse(String(result.stdout) || '{"resources":[]}') as {
      resources: KubeconformResult[] | null;
    };
    return out.resources ?? [];
  } finally {
    await rm(crdDir, { recursive: true, force: true });
  }
}

export const definesKinds = (kind: string) =>
  kind === 'CustomResourceDefinition' || kind === 'ConstraintTemplate';

export function schemaFindings(set: RenderedSet, results: readonly KubeconformResult[]): Finding[] {
  return toFindings(set, results);
}

function toFindings(set: RenderedSet, results: readonly KubeconformResult[]): Finding[] {
  const byKey = new Map<string, RenderedObject[]>();
  const byFile = new Map<string, RenderedObject>();
  for (const o of set.objects) {
    const key = `${o.ref.file}|${o.ref.kind}|${o.ref.name}|${o.ref.apiVersion}`;
    byKey.set(key, [...(byKey.get(key) ?? []), o]);
    if (!byFile.has(o.ref.file)) byFile.set(o.ref.file, o);
  }
  const findings: Finding[] = [];
  for (const r of results) {
    if (r.status !== 'statusInvalid' && r.status !== 'statusError') continue;
    const file = relative(set.dir, r.filename);
    const o = byKey.get(`${file}|${r.kind}|${r.name}|${r.version}`)?.shift() ?? byFile.get(file);
    if (!o) throw new ToolError(`kubeconform reported ${r.filename}, which is not part of the render`);
    for (const p of problems(r)) {
      findings.push({
        rule: p.rule,
        severity: 'error',
        object: objectId(o),
        runlevel: o.runlevel,
        release: o.release,
        file: o.ref.file,
        line: p.path ? lineOfPointer(o.doc, fieldPointer(p)) : o.ref.line,
        message: p.path ? `${p.path}: ${p.message}` : p.message,
        hint: hints[p.rule] ?? (hints['schema/invalid'] as string),
      });
    }
  }
  return findings;
}

/** kubeconform's message lists every failed field as "- at '/path': reason"; keep the leaves. */
export function problems(
  r: Pick<KubeconformResult, 'msg' | 'kind' | 'status'>,
): { rule: string; path: string; message: string }[] {
  if (/^could not find schema for/.test(r.msg)) {
    return [{ rule: 'schema/unknown-kind', path: '', message: `no schema for ${r.kind}: ${r.msg}` }];
  }
  if (r.status === 'statusError' && !/- at '/.test(r.msg)) {
    return [{ rule: 'schema/yaml', path: '', message: r.msg.replace(/^error unmarshalling resource: /, '') }];
  }
  const found = [...r.msg.matchAll(/- at '([^']*)': (.*?)(?=\s+- at '|$)/g)]
    .map((m) => ({ path: m[1] ?? '', message: (m[2] ?? '').trim() }))
    .filter((p) => p.message !== 'validation failed');
  if (found.length === 0) return [{ rule: 'schema/invalid', path: '', message: r.msg }];
  return found.map((p) => ({ ...p, rule: ruleOf(p.message) }));
}

/** An unknown field is reported at its parent: point at the field itself when there is one. */
function fieldPointer(p: { path: string; message: string }): string {
  const one = /^additional properties '([^']+)' not allowed$/.exec(p.message);
  return one ? `${p.path}/${one[1]}` : p.path;
}

function ruleOf(message: string): string {
  if (/additional propert/.test(message)) return 'schema/unknown-field';
  if (/missing propert/.test(message)) return 'schema/required';
  if (/^value must be one of|^value must be/.test(message)) return 'schema/enum';
  if (/got \w+, want|oneOf failed|type/.test(message)) return 'schema/type';
  return 'schema/invalid';
}
