// A release that renders no object at all deploys nothing while every step reports success. A
// chart with no templates is always a mistake (an error, at its Chart.yaml); a chart whose
// templates all rendered empty may be meant (every feature switched off), so that only warns.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { log } from '../shared/log.js';
import { coreRoot } from '../shared/paths.js';
import type { PlannedRelease } from './helmfile.js';

export function checkNotEmpty(rel: PlannedRelease, objects: number): void {
  if (objects > 0) return;
  const chart = relative(coreRoot, rel.chartDir);
  if (!hasTemplates(rel.chartDir)) {
    throw new UserError(`release ${rel.name} (runlevel ${rel.runlevel}) renders nothing`, {
      exitCode: ExitCode.renderFailed,
      problems: [
        {
          message: `chart ${chart} has no templates: it makes no Kubernetes object`,
          where: { file: join(chart, 'Chart.yaml'), line: 1, col: 1 },
        },
      ],
      hint: `add the chart's templates/ (files not starting with _), or remove release ${rel.name} from its runlevel file`,
    });
  }
  log.warn(
    `release ${rel.name} (runlevel ${rel.runlevel}, chart ${chart}) renders no objects with these values`,
  );
}

/**
 * Files helm renders into objects: under templates/ (not partials `_*`, not NOTES.txt), or in a
 * subchart that is not a library chart (a packaged one is given the benefit of the doubt).
 */
function hasTemplates(chartDir: string): boolean {
  const renderable = (dir: string): boolean =>
    list(dir).some((e) =>
      e.isDirectory() ? renderable(join(dir, e.name)) : !e.name.startsWith('_') && e.name !== 'NOTES.txt',
    );
  if (renderable(join(chartDir, 'templates'))) return true;
  return list(join(chartDir, 'charts')).some((e) => {
    const sub = join(chartDir, 'charts', e.name);
    const dir = e.isDirectory() || statSync(sub, { throwIfNoEntry: false })?.isDirectory();
    if (!dir) return e.name.endsWith('.tgz');
    return !/^type:\s*library\s*$/m.test(readText(join(sub, 'Chart.yaml'))) && hasTemplates(sub);
  });
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function list(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
