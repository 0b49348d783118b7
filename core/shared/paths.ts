// Two roots: where runlevel is installed (its code and pinned tools), and where the core's content
// is read from (charts, runlevel files, schemas, policies). They are one directory in the image and
// in a checkout; RUNLEVEL_CORE_ROOT separates them to try a platform team's charts (docs/charts.md).
import { resolve } from 'node:path';

/** The runlevel checkout (or /opt/runlevel in the image): bin/, dist/, package.json, tools/pins.env, .tools/. */
export const installRoot = resolve(import.meta.dirname, '../../..');

/**
 * The core's content: charts/, helmfile.d/, schemas/, policies/, values-template/. The install root
 * (an image built FROM runlevel adds its charts there), unless RUNLEVEL_CORE_ROOT names a copy of
 * the core with a platform team's additions in it, tried without building an image.
 */
export const coreRoot = process.env.RUNLEVEL_CORE_ROOT
  ? resolve(process.env.RUNLEVEL_CORE_ROOT)
  : installRoot;
