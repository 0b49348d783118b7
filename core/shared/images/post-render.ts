// helm's --post-renderer on `helm upgrade`: the same rewrite render applies in-process (rewrite.ts),
// run as `node bin/runlevel __post-render` with the manifest on stdin and the result on stdout.
// The rewrite's settings come in one environment variable, so no file is written for it.
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { coreRoot } from '../paths.js';
import { type ImageRewrite, rewriteManifest } from './rewrite.js';

/** The environment variable that carries the rewrite (JSON of ImageRewrite) to the post-renderer. */
export const postRenderEnv = 'RUNLEVEL_IMAGE_REWRITE';

/** The hidden command line helm runs: `<node> <core>/bin/runlevel __post-render`. */
export const postRenderCommand = '__post-render';

export function postRenderSettings(rw: ImageRewrite): Record<string, string> {
  return { [postRenderEnv]: JSON.stringify(rw) };
}

/** The post-renderer's work: stdin in, stdout out. */
export function postRender(manifest: string, env: NodeJS.ProcessEnv): string {
  const raw = env[postRenderEnv];
  if (raw === undefined) {
    throw new UserError(`${postRenderCommand} needs ${postRenderEnv}`, {
      exitCode: ExitCode.unexpected,
      hint: 'it is run by helm during a deploy, not by hand',
    });
  }
  const rw = JSON.parse(raw) as ImageRewrite;
  return rewriteManifest(manifest, { mirror: rw.mirror, digests: rw.digests ?? {}, fields: rw.fields ?? [] });
}

/** helm's --post-renderer for a release rendered with `rw`: this core's own CLI, by its node. */
export function postRenderer(rw: ImageRewrite): { command: string[]; env: Record<string, string> } {
  return {
    command: [process.execPath, join(coreRoot, 'bin/runlevel'), postRenderCommand],
    env: postRenderSettings(rw),
  };
}
