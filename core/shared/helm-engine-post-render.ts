// The helm engine's one question back to the core: helm's post-render of a release. The engine's
// post-renderer (tools/go/helm-engine/postrender.go) sends the release's manifest on its stdout;
// the core runs the request's own post-render function in-process and writes the answer on the
// engine's stdin. One implementation of the rewrite (the core's), no process per release.
import type { PostRender } from './helm.js';

/** The engine's question: `request` is the id of the core's upgrade or template it belongs to. */
export interface PostRenderQuestion {
  id: number;
  request: number;
  release: string;
  manifest: string;
}

/** The line that answers it: the post-rendered manifest, or why there is none (the release fails). */
export function answerPostRender(q: PostRenderQuestion, postRender: PostRender | undefined): string {
  let answer: { id: number; manifest?: string; error?: string };
  if (!postRender) {
    // The request timed out or asked for no post-render: the release must not go on unrewritten.
    answer = {
      id: q.id,
      error: `no post-renderer is waiting for release ${q.release} (request ${q.request})`,
    };
  } else {
    try {
      answer = { id: q.id, manifest: postRender(q.manifest) };
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      answer = { id: q.id, error: `the post-render of release ${q.release} failed: ${why}` };
    }
  }
  return `${JSON.stringify({ postRendered: answer })}\n`;
}
