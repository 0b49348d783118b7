// The registry and signing tools behind a narrow interface: crane for every registry call, cosign
// to sign (verifying is node's own crypto: signature.ts). Each call is one spawn (argv array,
// shared abort signal, timeout).
import { ToolError } from '../shared/errors.js';
import { run } from '../shared/exec.js';

export interface RegistryOptions {
  /** Plain http (or unverified TLS) for a registry that is not localhost. */
  insecure?: boolean;
  /** Only this platform of a multi-platform image (os/arch); all of them when absent. */
  platform?: string;
}

const long = 60 * 60_000;

function craneFlags(o: RegistryOptions): string[] {
  return [...(o.insecure ? ['--insecure'] : []), ...(o.platform ? ['--platform', o.platform] : [])];
}

/** Appends one image (an index whole, unless a platform is chosen) to an OCI layout. */
export async function cranePull(ref: string, layout: string, o: RegistryOptions = {}): Promise<void> {
  await run('crane', ['pull', '--format=oci', ...craneFlags(o), ref, layout], { timeoutMs: long });
}

/** The raw manifest of a reference (sizes for progress before anything is pulled). */
export async function craneManifest(ref: string, o: RegistryOptions = {}): Promise<Record<string, unknown>> {
  const r = await run('crane', ['manifest', ...craneFlags(o), ref], { timeoutMs: 120_000 });
  return JSON.parse(String(r.stdout));
}

/** The digest of a reference, or undefined when the registry does not have it. */
export async function craneDigest(ref: string, o: RegistryOptions = {}): Promise<string | undefined> {
  const r = await run('crane', ['digest', ...(o.insecure ? ['--insecure'] : []), ref], {
    reject: false,
    timeoutMs: 120_000,
  });
  if (r.exitCode === 0) return String(r.stdout).trim();
  const stderr = String(r.stderr);
  if (/MANIFEST_UNKNOWN|NAME_UNKNOWN|404 Not Found/.test(stderr) && !/Error:.*(dial|connect)/.test(stderr)) {
    return undefined;
  }
  if (r.isCanceled) throw new ToolError('crane digest was cancelled');
  throw new ToolError(`crane digest ${ref} failed: ${lastLine(stderr)}`);
}

export interface PushOutcome {
  pushed: string[];
  existing: string[];
}

/** Pushes a one-entry layout to ref; which blobs went over the wire and which were there already. */
export async function cranePush(layout: string, ref: string, o: RegistryOptions = {}): Promise<PushOutcome> {
  const r = await run('crane', ['push', ...(o.insecure ? ['--insecure'] : []), layout, ref], {
    timeoutMs: long,
  });
  const stderr = String(r.stderr);
  const digests = (what: string) =>
    [...stderr.matchAll(new RegExp(`${what} blob: (sha256:[0-9a-f]{64})`, 'g'))].map((m) => m[1] as string);
  return { pushed: digests('pushed'), existing: digests('existing') };
}

/** A text blob (a signature payload: JSON) of repository@sha256:…, its bytes as sent (digest-checked by the caller). */
export async function craneBlob(refByDigest: string, o: RegistryOptions = {}): Promise<Buffer> {
  const r = await run('crane', ['blob', ...craneFlags(o), refByDigest], { timeoutMs: 120_000 });
  return Buffer.from(String(r.stdout), 'utf8');
}

export async function craneTag(refByDigest: string, tag: string, o: RegistryOptions = {}): Promise<void> {
  await run('crane', ['tag', ...(o.insecure ? ['--insecure'] : []), refByDigest, tag], {
    timeoutMs: 120_000,
  });
}

/** The signature of a file with a cosign key, offline: nothing goes to a transparency log. */
export async function cosignSignBlob(key: string, file: string, signatureFile: string): Promise<void> {
  await run(
    'cosign',
    ['sign-blob', '--yes', '--key', key, '--tlog-upload=false', '--output-signature', signatureFile, file],
    { env: { COSIGN_PASSWORD: process.env.COSIGN_PASSWORD ?? '' }, timeoutMs: 120_000 },
  );
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return ([...lines].reverse().find((l) => /error/i.test(l)) ?? lines.at(-1) ?? 'no output').replace(
    /^Error: /,
    '',
  );
}
