// Which objects define kinds for check: the CRDs the platform's charts install from crds/ (every
// chart under charts/ and every chart a render names, sub-charts included), and the CRDs and
// ConstraintTemplates that releases render from templates, the releases outside a --selector
// render too (the caller renders those: check does not render).
import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { CORE_SCHEMA, load } from 'js-yaml';
import { coreRoot } from '../shared/paths.js';
import { chartCrds } from './chart-crds.js';

/** The CRDs in the crds/ of each chart under the core's charts/ and of each chart named. */
export function platformChartCrds(charts: readonly string[] = []): Record<string, unknown>[] {
  const chartsDir = join(coreRoot, 'charts');
  const own = existsSync(chartsDir)
    ? readdirSync(chartsDir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => join(chartsDir, e.name))
    : [];
  const named = charts.map((c) => (isAbsolute(c) ? c : join(coreRoot, c)));
  return [...new Set([...own, ...named])]
    .filter((dir) => existsSync(join(dir, 'Chart.yaml')))
    .sort()
    .flatMap((dir) => chartCrds(dir).map((c) => c.body));
}

const definingKind = /^kind:\s*["']?(CustomResourceDefinition|ConstraintTemplate)["']?\s*$/m;

/**
 * The kind-defining objects of rendered releases, from their manifests and their charts' crds/:
 * what a check of other releases needs to know about these (see CheckOptions.definers).
 */
export function kindDefiners(
  releases: readonly { manifest: string; chart: { path: string } }[],
): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const rel of releases) {
    for (const doc of rel.manifest.split(/^---[ \t]*$/m)) {
      if (!definingKind.test(doc)) continue; // most documents: not worth parsing
      const body = load(doc, { schema: CORE_SCHEMA }) as unknown;
      if (body && typeof body === 'object') out.push(body as Record<string, unknown>);
    }
  }
  const charts = [...new Set(releases.map((r) => r.chart.path))].sort();
  return [
    ...out,
    ...charts.flatMap((c) => chartCrds(isAbsolute(c) ? c : join(coreRoot, c)).map((x) => x.body)),
  ];
}
