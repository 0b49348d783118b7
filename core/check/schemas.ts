// Kubernetes schema validation of every rendered object, offline: the pinned kubeconform against
// schemas/k8s/v<minor>/ (generated from the pinned API server) and the custom resources' schemas
// derived from their CRDs. Results come back per object; each broken field becomes one finding
// on the line of that field.
//
// The objects go to kubeconform on its standard input, never through a file: a render holds
// Secrets and values from *.sops.yaml files. On stdin kubeconform names every result "stdin" and
// gives no namespace, so it runs with one worker (its results then come in input order) and
// lists every result (-verbose), and each result is paired with the next object of its kind,
// name and version.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ToolError } from '../shared/errors.js';
import { run } from '../shared/exec.js';
import { ExitCode } from '../shared/exit-codes.js';
import { coreRoot } from '../shared/paths.js';
import { withScratchDir } from '../shared/scratch.js';
import { pinnedVersion } from '../shared/tools.js';
import { customResourceSchemas } from './crd-schemas.js';
import type { Finding } from './findings.js';
import { lineOfPointer } from './locate.js';
import { objectId } from './policies.js';
import type { RenderedObject } from './rendered.js';

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
 * kubeconform over the objects' own text, on stdin. The custom resources' schemas (derived from
 * the CRDs and ConstraintTemplates, which hold no values) are files in a private scratch directory.
 */
export async function runKubeconform(
  objects: readonly Pick<RenderedObject, 'doc'>[],
  definers: readonly Record<string, unknown>[],
  k8sDir = kubernetesSchemaDir(),
): Promise<KubeconformResult[]> {
  return withScratchDir('crd-schemas', async (crdDir) => {
    for (const [file, schema] of customResourceSchemas(definers, k8sDir)) {
      await writeFile(join(crdDir, file), JSON.stringify(schema));
    }
    const location = (d: string) => `${d}/{{ .ResourceKind }}{{ .KindSuffix }}.json`;
    const stream = objects.map((o) => `---\n${o.doc.text.endsWith('\n') ? o.doc.text : `${o.doc.text}\n`}`);
    const result = await run(
      'kubeconform',
      [
        '-strict',
        '-output',
        'json',
        '-verbose',
        '-n',
        '1',
        '-schema-location',
        location(k8sDir),
        '-schema-location',
        location(crdDir),
      ],
      { reject: false, input: stream.join('') },
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
  });
}

export const definesKinds = (kind: string) =>
  kind === 'CustomResourceDefinition' || kind === 'ConstraintTemplate';

/** Findings of kubeconform's results over `objects`, the objects it was given, in that order. */
export function schemaFindings(
  objects: readonly RenderedObject[],
  results: readonly KubeconformResult[],
): Finding[] {
  const byKey = new Map<string, RenderedObject[]>();
  for (const o of objects) {
    const key = `${o.ref.kind}|${o.ref.name}|${o.ref.apiVersion}`;
    byKey.set(key, [...(byKey.get(key) ?? []), o]);
  }
  const findings: Finding[] = [];
  for (const [i, r] of results.entries()) {
    // Every object has a result, in input order; one kubeconform cannot read has no kind or name.
    const o = byKey.get(`${r.kind}|${r.name}|${r.version}`)?.shift() ?? objects[i];
    if (r.status !== 'statusInvalid' && r.status !== 'statusError') continue;
    if (!o)
      throw new ToolError(`kubeconform reported result #${i}, but it was given ${objects.length} objects`);
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
