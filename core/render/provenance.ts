// Which values-repo setting a chart value came from, so a chart's values.schema.json failure points
// at the user's file:line. The mapping mirrors what each runlevel file passes to its chart. The
// frames come from the texts the values stage read: nothing here reads the disk.
import type { Problem } from '../shared/errors.js';
import { codeFrame } from '../shared/source.js';
import type { Origin } from '../values/index.js';
import type { SchemaViolation } from './errors.js';
import type { PlannedRelease } from './helmfile.js';

/** Where a merged value was set; 'defaults' origins are not the user's and are never blamed. */
export type ValueOrigin = Pick<Origin, 'file' | 'line' | 'col' | 'layer'>;
export type OriginMap = ReadonlyMap<string, ValueOrigin>; // JSON pointer → origin
/** Values files' texts by repo-relative path (Resolved.texts). */
export type ValuesTexts = ReadonlyMap<string, string>;

/** JSON pointers into the merged values that may have set chart value `chartPointer`, best first. */
export function valuesCandidates(rel: ReleaseId, chartPointer: string): string[] {
  const team = esc(rel.labels.team ?? '');
  const app = esc(rel.labels.app ?? '');
  switch (rel.runlevel) {
    case '90-apps':
      // apps.<app>.values is merged last, so a value there wins over the mapped field.
      return [`/apps/${app}/values${chartPointer}`, `/apps/${app}${chartPointer}`];
    case '60-teams':
      return [`/teams/${team}${chartPointer}`];
    case '30-sso':
      return [`/platform/sso${chartPointer}`];
    case '20-ingress':
      return [`/platform/ingress${chartPointer}`];
    case '00-init':
    case '10-policies':
      return [`/platform${chartPointer}`];
    default:
      // A runlevel a platform team added: its charts' values are charts.<release> (docs/charts.md).
      return [addedChart(rel, chartPointer)];
  }
}

/** What the mapping needs of a release: planned (render) or rendered (images) alike. */
export type ReleaseId = Pick<PlannedRelease, 'runlevel' | 'name' | 'labels'>;

/**
 * valuesCandidates, with charts.<release> first for a chart a platform team added to one of the
 * core's runlevels (its values are there all the same).
 */
export function valuesPointers(
  rel: ReleaseId,
  chartPointer: string,
  origins: OriginMap | undefined,
): string[] {
  const candidates = valuesCandidates(rel, chartPointer);
  if (rel.name && origins?.has(addedChart(rel, '')) && candidates[0] !== addedChart(rel, chartPointer)) {
    candidates.unshift(addedChart(rel, chartPointer));
  }
  return candidates;
}

export function locateViolation(
  rel: PlannedRelease,
  v: SchemaViolation,
  origins: OriginMap | undefined,
  texts: ValuesTexts | undefined,
): Problem {
  const candidates = valuesPointers(rel, v.pointer, origins);
  const found = origins ? findOrigin(origins, candidates) : undefined;
  const problem: Problem = {
    message: `${v.message} (chart value ${v.pointer || '/'})`,
    path: dotted(found?.pointer ?? candidates[0] ?? ''),
  };
  const origin = found?.origin;
  if (!origin) return problem;
  problem.where = { file: origin.file, line: origin.line, col: origin.col };
  const text = texts?.get(origin.file);
  if (text !== undefined && !origin.file.endsWith('.sops.yaml')) {
    problem.frame = codeFrame(text, origin.line, origin.col);
  }
  return problem;
}

/** The exact origin of a candidate, else the closest user-set ancestor of the best candidate. */
function findOrigin(
  origins: OriginMap,
  candidates: string[],
): { origin: ValueOrigin; pointer: string } | undefined {
  for (const c of candidates) {
    const o = origins.get(c);
    if (o && o.layer !== 'defaults') return { origin: o, pointer: c };
  }
  for (const c of candidates) {
    const parts = c.split('/');
    // Stop above the entity itself (/apps/<app>, /teams/<team>): blaming the whole file helps nobody.
    for (let n = parts.length - 1; n >= 3; n--) {
      const o = origins.get(parts.slice(0, n).join('/'));
      if (o && o.layer !== 'defaults') return { origin: o, pointer: c };
    }
  }
  return undefined;
}

/** /apps/web/values/replicas → apps.web.values.replicas, as people read a values path. */
function dotted(ptr: string): string {
  return ptr
    .split('/')
    .slice(1)
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
    .join('.');
}

function addedChart(rel: ReleaseId, chartPointer: string): string {
  return `/charts/${esc(rel.name)}${chartPointer}`;
}

function esc(s: string): string {
  return s.replaceAll('~', '~0').replaceAll('/', '~1');
}
