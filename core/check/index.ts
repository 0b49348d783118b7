// The check stage: a render in, a report out. Schema validation (kubeconform) and the policies
// (opa) read the same parsed objects and run side by side.
import { log } from '../shared/log.js';
import { type CheckReport, makeReport } from './findings.js';
import { checkPolicies } from './policies.js';
import { readRendered } from './rendered.js';
import { checkSchemas } from './schemas.js';
import { type CheckValues, policySettings } from './settings.js';

export type { CheckReport, Finding } from './findings.js';
export { exitCodeOf, formatJson, formatText, summary } from './report.js';
export type { CheckValues } from './settings.js';

export interface CheckOptions {
  /** A render on disk: DIR/<runlevel>/<release>/*.yaml and DIR/index.json. */
  dir: string;
  values: CheckValues;
  /** Another schemas/k8s/v<minor> or policies/ directory (tests). */
  k8sSchemaDir?: string;
  policiesDir?: string;
}

export async function checkRendered(opts: CheckOptions): Promise<CheckReport> {
  const started = Date.now();
  const set = await readRendered(opts.dir);
  log.debug(() => `check: ${set.objects.length} objects read in ${Date.now() - started} ms`);
  const [schemaFindings, policyFindings] = await Promise.all([
    checkSchemas(set, opts.k8sSchemaDir),
    checkPolicies(set.objects, policySettings(opts.values), opts.policiesDir),
  ]);
  log.debug(() => `check: schemas and policies done in ${Date.now() - started} ms`);
  return makeReport(set.objects.length, [...schemaFindings, ...policyFindings]);
}
