// The static enforcement point: one `opa eval` over every rendered object at once (a process per
// object would spend its time starting up). The Rego is policies/, the same files the
// runlevel-10 chart hands to Gatekeeper. Findings an exception covers come back marked with it.

import { ToolError } from '../shared/errors.js';
import { run } from '../shared/exec.js';
import { ExitCode } from '../shared/exit-codes.js';
import { policiesDir, readCatalog } from './catalog.js';
import type { Finding } from './findings.js';
import { lineOfPointer } from './locate.js';
import type { RenderedObject } from './rendered.js';
import type { PolicySettings } from './settings.js';

interface OpaFinding {
  policy: string;
  object: number;
  msg: string;
  path: string;
  enforcement: 'deny' | 'warn';
  container: string;
  exceptions: { key: string; reason: string }[];
}

export async function checkPolicies(
  objects: readonly RenderedObject[],
  settings: Record<string, PolicySettings>,
  dir = policiesDir,
): Promise<Finding[]> {
  const input = { objects: objects.map(asInstalled), policies: settings };
  const result = await run(
    'opa',
    [
      'eval',
      '--data',
      dir,
      '--ignore',
      '*_test.rego',
      '--stdin-input',
      '--format',
      'json',
      'data.runlevel.check.findings',
    ],
    { input: JSON.stringify(input), exitCode: ExitCode.unexpected },
  );
  const found = parseOpaOutput(String(result.stdout));
  const catalog = readCatalog(dir);
  return found.map((f) => {
    const o = objects[f.object];
    if (!o) throw new ToolError(`opa reported object #${f.object}, which was not in its input`);
    return {
      rule: f.policy,
      severity: f.enforcement === 'warn' ? 'warning' : 'error',
      object: objectId(o),
      runlevel: o.runlevel,
      release: o.release,
      file: o.ref.file,
      line: f.path ? lineOfPointer(o.doc, f.path) : o.ref.line,
      message: f.msg,
      ...(f.container ? { container: f.container } : {}),
      ...(catalog[f.policy]?.hint ? { hint: catalog[f.policy]?.hint } : {}),
      except: exceptionFor(f, o),
      ...(f.exceptions?.length ? { exceptedBy: f.exceptions } : {}),
    } satisfies Finding;
  });
}

/**
 * An object as helm will install it: the namespace the release gives it when the chart left it
 * out, and helm's release annotation (release exceptions match on it, in the cluster too).
 */
function asInstalled(o: RenderedObject): Record<string, unknown> {
  const metadata = (o.body.metadata ?? {}) as Record<string, unknown>;
  const annotations = (metadata.annotations ?? {}) as Record<string, unknown>;
  return {
    ...o.body,
    metadata: {
      ...metadata,
      ...(o.ref.namespace && metadata.namespace === undefined ? { namespace: o.ref.namespace } : {}),
      annotations: { ...annotations, 'meta.helm.sh/release-name': o.release },
    },
  };
}

/** The narrowest exception that would cover a finding: this object (and container), in values. */
function exceptionFor(f: OpaFinding, o: RenderedObject): NonNullable<Finding['except']> {
  return {
    key: `platform.policies.${f.policy}.exceptions.objects`,
    entry: {
      kind: o.ref.kind,
      name: o.ref.name,
      ...(o.ref.namespace ? { namespace: o.ref.namespace } : {}),
      ...(f.container ? { container: f.container } : {}),
    },
  };
}

function parseOpaOutput(stdout: string): OpaFinding[] {
  const out = JSON.parse(stdout) as { result?: { expressions?: { value?: OpaFinding[] }[] }[] };
  return out.result?.[0]?.expressions?.[0]?.value ?? [];
}

export function objectId(o: RenderedObject): Finding['object'] {
  return {
    apiVersion: o.ref.apiVersion,
    kind: o.ref.kind,
    ...(o.ref.namespace ? { namespace: o.ref.namespace } : {}),
    name: o.ref.name,
  };
}
