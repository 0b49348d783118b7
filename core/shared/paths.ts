// Two roots: where runlevel is installed (its code and pinned tools), and where the core's content
// is read from (charts, runlevel files, schemas, policies). They are one directory in the image and
// in a checkout; RUNLEVEL_CORE_ROOT separates them to try a platform team's charts (docs/charts.md).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The runlevel checkout (or /opt/runlevel in the image): bin/, dist/, package.json, tools/pins.env, .tools/. */
export const installRoot = rootAbove(import.meta.dirname);

/**
 * The nearest directory above with tools/pins.env: this module runs from dist/core/shared (tests)
 * or from a chunk of the bundle in dist/bundle (bin/runlevel), at different depths.
 */
function rootAbove(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'tools/pins.env'))) return dir;
    if (dirname(dir) === dir) return resolve(start, '../../..');
  }
}

/**
 * The core's content: charts/, helmfile.d/, schemas/, policies/, values-template/. The install root
 * (an image built FROM runlevel adds its charts there), unless RUNLEVEL_CORE_ROOT names a copy of
 * the core with a platform team's additions in it, tried without building an image.
 */
export const coreRoot = process.env.RUNLEVEL_CORE_ROOT
  ? resolve(process.env.RUNLEVEL_CORE_ROOT)
  : installRoot;
