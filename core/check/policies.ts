// The static enforcement point: one `opa eval` over every rendered object at once (a process per
// object would spend its time starting up). The Rego is policies/, the same files the
// runlevel-10 chart hands to Gatekeeper.

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
}

export async function checkPolicies(
  objects: readonly RenderedObject[],
  settings: Record<string, PolicySettings>,
  dir = policiesDir,
): Promise<Finding[]> {
  // The objects as rendered, with the namespace the release gives them when the chart left it out.
  const input = {
    objects: objects.map((o) =>
      o.ref.namespace && (o.body.metadata as Record<string, unknown> | undefined)?.namespace === undefined
        ? { ...o.body, metadata: { ...(o.body.metadata as object), namespace: o.ref.namespace } }
        : o.body,
    ),
    policies: settings,
  };
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
      ...(catalog[f.policy]?.hint ? { hint: catalog[f.policy]?.hint } : {}),
    } satisfies Finding;
  });
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
