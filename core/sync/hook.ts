// Is a POST /hook from the forge that shares our secret? GitHub and Gitea sign the body with
// HMAC-SHA256 (X-Hub-Signature-256: sha256=<hex>, X-Gitea-Signature: <hex>); GitLab sends the
// secret itself (X-Gitlab-Token). Pure: headers, body and secret in, a verdict out.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type HookVerdict =
  | { ok: true; forge: 'github' | 'gitea' | 'gitlab'; branch?: string }
  | { ok: false; why: string };

type Headers = Record<string, string | string[] | undefined>;

export function verifyHook(headers: Headers, body: Buffer, secret: string | undefined): HookVerdict {
  if (!secret) return { ok: false, why: 'no hook secret is configured (--hook-secret-file)' };
  const h = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const hmac = createHmac('sha256', secret).update(body).digest('hex');
  const github = h('x-hub-signature-256');
  if (github !== undefined) {
    return same(github, `sha256=${hmac}`)
      ? { ok: true, forge: 'github', branch: branchOf(body) }
      : { ok: false, why: 'X-Hub-Signature-256 does not match the body' };
  }
  const gitea = h('x-gitea-signature') ?? h('x-gogs-signature');
  if (gitea !== undefined) {
    return same(gitea, hmac)
      ? { ok: true, forge: 'gitea', branch: branchOf(body) }
      : { ok: false, why: 'X-Gitea-Signature does not match the body' };
  }
  const gitlab = h('x-gitlab-token');
  if (gitlab !== undefined) {
    return same(gitlab, secret)
      ? { ok: true, forge: 'gitlab', branch: branchOf(body) }
      : { ok: false, why: 'X-Gitlab-Token is not the secret' };
  }
  return {
    ok: false,
    why: 'the hook is not signed (X-Hub-Signature-256, X-Gitea-Signature or X-Gitlab-Token)',
  };
}

/** Constant time for equal lengths; a length mismatch says nothing about the secret's content. */
function same(given: string, wanted: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(wanted);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The pushed branch of a push event (all three forges send `ref`), when the body says. */
function branchOf(body: Buffer): string | undefined {
  try {
    const ref = (JSON.parse(body.toString('utf8')) as { ref?: unknown }).ref;
    return typeof ref === 'string' && ref.startsWith('refs/heads/')
      ? ref.slice('refs/heads/'.length)
      : undefined;
  } catch {
    return undefined;
  }
}
