// The check stage: a render in, a report out. Schema validation (kubeconform) and the policies
// (opa) read the same parsed objects and run side by side.
import { log } from '../shared/log.js';
import { type CheckReport, makeReport } from './findings.js';
import { type ImageCheckContext, imageFindings } from './images.js';
import { platformChartCrds } from './platform-crds.js';
import { checkPolicies } from './policies.js';
import { openRender, type RenderIndexed, readObjects } from './rendered.js';
import { definesKinds, runKubeconform, schemaFindings } from './schemas.js';
import { type CheckValues, policySettings } from './settings.js';
import { isTestHook } from './test-hooks.js';

export { chartCrds, crdKindsOfChart } from './chart-crds.js';
export { kindsDefinedBy } from './defined-kinds.js';
export type { CheckReport, Finding } from './findings.js';
export { kindDefiners, platformChartCrds } from './platform-crds.js';
export { type RenderIndexed, renderInMemory, renderSelectors } from './rendered.js';
export { exitCodeOf, formatJson, formatText, summary } from './report.js';
export type { CheckValues } from './settings.js';

export interface CheckOptions {
  /**
   * A render on disk (DIR/<runlevel>/<release>/*.yaml and DIR/index.json), or one made in this
   * process (renderInMemory), which is then never written anywhere.
   */
  render: string | RenderIndexed;
  values: CheckValues;
  /** Another schemas/k8s/v<minor> or policies/ directory (tests). */
  k8sSchemaDir?: string;
  policiesDir?: string;
  /**
   * Kind-defining objects (CRDs, ConstraintTemplates) of releases outside this render, when it is
   * a --selector render: custom resources are checked against the whole platform's CRDs.
   */
  definers?: readonly Record<string, unknown>[];
  /**
   * What the registry-mirror check needs besides the mirror (values): the lock, the charts'
   * declared image fields and the values line of each image (a render from disk has none).
   */
  images?: Omit<ImageCheckContext, 'mirror'>;
}

export async function checkRendered(opts: CheckOptions): Promise<CheckReport> {
  const started = Date.now();
  const render = typeof opts.render === 'string' ? await openRender(opts.render) : opts.render;
  const set = await readObjects(render);
  log.debug(() => `check: ${set.objects.length} objects read in ${Date.now() - started} ms`);
  const installed = set.objects.filter((o) => !isTestHook(o.body));
  const definers = set.objects.filter((o) => definesKinds(o.ref.kind)).map((o) => o.body);
  // Both tools take their input on stdin and run side by side.
  const schemas = runKubeconform(
    installed,
    [...(opts.definers ?? []), ...platformChartCrds(render.charts), ...definers],
    opts.k8sSchemaDir,
  );
  schemas.catch(() => {}); // awaited below; do not let an early failure go unhandled meanwhile
  const policyFindings = await checkPolicies(installed, policySettings(opts.values), opts.policiesDir);
  log.debug(() => `check: policies done in ${Date.now() - started} ms`);
  const schemaResults = await schemas;
  log.debug(() => `check: schemas done in ${Date.now() - started} ms`);
  const mirror = imageFindings(installed, { ...opts.images, mirror: opts.values.platform.registry.mirror });
  return makeReport(installed.length, [
    ...schemaFindings(installed, schemaResults),
    ...policyFindings,
    ...mirror,
  ]);
}
