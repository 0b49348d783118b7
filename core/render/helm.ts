// `helm template` for one planned release, through the Helm interface: values on stdin (never in a
// file), no repository refresh and no dependency download (our charts are local and vendored).
// What a failure means for the user (which values file, which template) is decided here.
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import type { Capabilities, Helm } from '../shared/helm.js';
import { parseHelmError } from './errors.js';
import type { PlannedRelease } from './helmfile.js';
import { locateViolation, type OriginMap, type ValuesTexts } from './provenance.js';

/** Values documents merged as helm merges several --values files: maps deeply, anything else replaced. */
export function mergeValues(docs: readonly unknown[]): Record<string, unknown> {
  let out: Record<string, unknown> = {};
  for (const d of docs) if (isMap(d)) out = mergeMaps(out, d);
  return out;
}

function mergeMaps(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isMap(v) && isMap(b) ? mergeMaps(b, v) : v;
  }
  return out;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface TemplateContext {
  origins?: OriginMap;
  texts?: ValuesTexts;
}

/** The release's rendered manifest (helm's stdout), or a UserError naming release, chart and place. */
export async function helmTemplate(
  helm: Helm,
  rel: PlannedRelease,
  values: Record<string, unknown>,
  ctx: TemplateContext,
  capabilities?: Capabilities,
): Promise<string> {
  const r = await helm.template({
    name: rel.name,
    namespace: rel.namespace,
    chartDir: rel.chartDir,
    values,
    capabilities,
  });
  if (r.ok) return r.manifest;
  const chart = rel.chartDir.split('/').pop() ?? rel.chartDir;
  const failure = parseHelmError(r.stderr, rel.chartDir);
  const what = `release ${rel.name} (runlevel ${rel.runlevel}, chart ${chart})`;
  switch (failure.kind) {
    case 'schema':
      throw new UserError(`${what}: values do not match the chart's values.schema.json`, {
        exitCode: ExitCode.renderFailed,
        problems: failure.violations.map((v) => locateViolation(rel, v, ctx.origins, ctx.texts)),
        hint: `charts/${chart}/values.schema.json says what is allowed; fix the values file named above`,
      });
    case 'template':
      throw new UserError(
        `${what}: template ${failure.template ?? ''} failed`.replace(/ +failed$/, ' failed'),
        {
          exitCode: ExitCode.renderFailed,
          problems: [failure.problem],
          hint: 'a required value is missing or a chart template is broken; the place is named above',
        },
      );
    case 'chart':
      throw new UserError(`${what}: the chart's Chart.yaml is invalid`, {
        exitCode: ExitCode.renderFailed,
        problems: [failure.problem],
      });
    default:
      throw new UserError(`${what}: helm template failed`, {
        exitCode: ExitCode.renderFailed,
        problems: [{ message: failure.message }],
      });
  }
}
