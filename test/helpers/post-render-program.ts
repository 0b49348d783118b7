// The image rewrite (core/shared/images/rewrite.ts) as a program for helm's CLI `--post-renderer`:
// manifest on stdin, rewritten manifest on stdout, the rewrite's settings (JSON of ImageRewrite)
// in RUNLEVEL_TEST_IMAGE_REWRITE. The core no longer runs a post-render process (the helm engine
// asks the core in-process); tests use this to hold the engine's hand-off against helm's own.
import { type ImageRewrite, rewriteManifest } from '../../core/shared/images/rewrite.js';

export const postRenderProgramEnv = 'RUNLEVEL_TEST_IMAGE_REWRITE';

/** helm's `--post-renderer` and `--post-renderer-args` for `rw`, and the environment it needs. */
export function postRenderProgram(rw: ImageRewrite): { args: string[]; env: Record<string, string> } {
  return {
    args: ['--post-renderer', process.execPath, '--post-renderer-args', new URL(import.meta.url).pathname],
    env: { [postRenderProgramEnv]: JSON.stringify(rw) },
  };
}

async function main(): Promise<void> {
  const raw = process.env[postRenderProgramEnv];
  if (raw === undefined) throw new Error(`${postRenderProgramEnv} is not set`);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  process.stdout.write(
    rewriteManifest(Buffer.concat(chunks).toString('utf8'), JSON.parse(raw) as ImageRewrite),
  );
}

// Run by helm as a program; imported by a test for postRenderProgram only.
if (process.argv[1] === new URL(import.meta.url).pathname) await main();
