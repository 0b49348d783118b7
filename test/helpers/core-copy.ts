// A copy of the core that the real CLI runs from, with a helmfile.d and charts of the test's own:
// the engine finds charts, runlevels, schemas and policies relative to where it is installed, as
// in the image, so a test adds charts the way a platform team would, beside the core.
import { cp, mkdir, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { coreRoot } from '../../core/shared/paths.js';
import { fixture } from './fixture.js';

export interface CoreCopy {
  root: string;
  /** Replace (or add) one runlevel file of the copy's helmfile.d. */
  writeRunlevel(file: string, text: string): Promise<void>;
  remove(): Promise<void>;
}

/**
 * The built core into `root`: its compiled code and bundle, bin, schemas, policies and pins, plus
 * `extra` parts, with node_modules and .tools linked (not copied).
 */
export async function copyBuiltCore(root: string, extra: readonly string[] = []): Promise<void> {
  for (const part of ['dist/core', 'dist/bundle', 'bin', 'schemas', 'policies', 'tools/pins.env', ...extra]) {
    await cp(join(coreRoot, part), join(root, part), { recursive: true });
  }
  for (const link of ['node_modules', '.tools']) {
    await symlink(await realpath(join(coreRoot, link)), join(root, link));
  }
}

/** The built core (copyBuiltCore) with only `runlevels` in helmfile.d and `charts` in charts/. */
export async function copyOfCore(opts: {
  runlevels: Record<string, string>;
  charts: Record<string, string>; // name in charts/ → source directory
}): Promise<CoreCopy> {
  const root = await fixture({}, 'runlevel-core-');
  await copyBuiltCore(root, ['package.json']);
  await mkdir(join(root, 'helmfile.d'), { recursive: true });
  for (const [file, text] of Object.entries(opts.runlevels))
    await writeFile(join(root, 'helmfile.d', file), text);
  for (const [name, source] of Object.entries(opts.charts)) {
    await cp(source, join(root, 'charts', name), { recursive: true });
  }
  return {
    root,
    writeRunlevel: (file, text) => writeFile(join(root, 'helmfile.d', file), text),
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
