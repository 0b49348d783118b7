// The new core's image, found and checked before it runs, as the launcher does it: from the
// registry mirror (RUNLEVEL_IMAGE_REPOSITORY, else <platform.registry.mirror>/runlevel) by digest,
// its signature checked against the values repo's cosign.pub with crane and node's crypto (as the
// agent's self-upgrade does); without a mirror, the local image, checked against its signed layout.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { findCoreImage } from '../bundle/core-layout.js';
import { blobPath } from '../bundle/layout.js';
import { verifyLayoutSignature, verifyRegistrySignature } from '../bundle/signature.js';
import { craneBlob, craneDigest, craneManifest } from '../bundle/tools.js';
import { UserError } from '../shared/errors.js';
import { ExitCode } from '../shared/exit-codes.js';
import { coreInMirror } from '../shared/images/mirror.js';
import { docker } from './docker.js';

export interface CoreImage {
  /** The tag as people name it: 127.0.0.1:5000/runlevel:0.3.0 */
  reference: string;
  /** What runs: by digest (mirror) or image id (local), what was verified. */
  run: string;
  verified: boolean;
}

/** Where the core image of `version` is: RUNLEVEL_IMAGE_REPOSITORY, the values' mirror, else the local `runlevel`. */
export function coreReference(version: string, mirror: string | undefined, env = process.env): string {
  if (env.RUNLEVEL_IMAGE_REPOSITORY) return `${env.RUNLEVEL_IMAGE_REPOSITORY}:${version}`;
  if (mirror) return coreInMirror(version, mirror);
  return `runlevel:${version}`;
}

/** A reference whose first component is a registry host (the launcher's test). */
const inRegistry = (ref: string) => /^[^/]*[.:][^/]*\/|^localhost\//.test(ref);

export async function resolveCoreImage(
  version: string,
  reference: string,
  publicKey?: string,
): Promise<CoreImage> {
  const key = publicKey && existsSync(publicKey) ? publicKey : undefined;
  if (inRegistry(reference)) return fromMirror(version, reference, key);
  return local(version, reference, key);
}

async function fromMirror(version: string, reference: string, key: string | undefined): Promise<CoreImage> {
  const repository = reference.slice(0, reference.lastIndexOf(':'));
  const digest = await craneDigest(reference).catch((err: Error) => {
    throw new UserError(`the mirror does not answer for core ${version}: ${err.message}`, {
      exitCode: ExitCode.unexpected,
      hint: 'check RUNLEVEL_IMAGE_REPOSITORY (or platform.registry.mirror) and that the mirror runs',
    });
  });
  if (!digest) {
    throw new UserError(`core ${version} is not in the mirror: ${reference} was not found`, {
      exitCode: ExitCode.pinMismatch,
      hint: `check the version (a release x.y.z), or push that core's bundle into the mirror: runlevel bundle push BUNDLE --to ${repository.slice(0, repository.lastIndexOf('/'))} (docs/airgap.md)`,
    });
  }
  if (key) {
    const sigTag = `${repository}:${digest.replace(':', '-')}.sig`;
    const manifest = (await craneDigest(sigTag)) ? JSON.stringify(await craneManifest(sigTag)) : undefined;
    const verdict = manifest
      ? await verifyRegistrySignature(key, digest, manifest, (d) => craneBlob(`${repository}@${d}`))
      : { ok: false as const, reason: `no signature (${sigTag}) in the mirror` };
    if (!verdict.ok) throw unsigned(version, `${reference} (${digest})`, key, verdict.reason);
  }
  const run = `${repository}@${digest}`;
  if ((await docker(['image', 'inspect', '--format', '{{.Id}}', run])).code !== 0) {
    const pull = await docker(['pull', '--quiet', run]);
    if (pull.code !== 0) {
      throw new UserError(`could not pull ${run}: ${pull.stderr.trim().split('\n').pop() ?? ''}`, {
        exitCode: ExitCode.unexpected,
        hint: 'check that the mirror answers and that docker may pull from it',
      });
    }
  }
  return { reference, run, verified: key !== undefined };
}

async function local(version: string, reference: string, key: string | undefined): Promise<CoreImage> {
  const id = await docker(['image', 'inspect', '--format', '{{.Id}}', reference]);
  if (id.code !== 0) {
    if (!/No such (image|object)/i.test(id.stderr)) {
      throw new UserError(`no Docker engine answers: ${id.stderr.trim().split('\n')[0] ?? ''}`, {
        exitCode: ExitCode.unexpected,
        hint: 'start the engine (systemctl start docker), or point DOCKER_HOST at one that runs',
      });
    }
    throw new UserError(`core ${version} is not here: Docker has no image ${reference}`, {
      exitCode: ExitCode.pinMismatch,
      hint: `check the version; load it from its bundle's kit (docker load -i runlevel-${version}.image.tar), pull it from your mirror (RUNLEVEL_IMAGE_REPOSITORY=REGISTRY/runlevel), or build it: make image in a checkout of runlevel ${version}`,
    });
  }
  const imageId = id.stdout.trim();
  if (!key) return { reference, run: imageId, verified: false };
  // The signed layout make image saved (or a kit's); the local image must be the very one signed.
  const layout = join(
    process.env.XDG_CACHE_HOME || join(homedir(), '.cache'),
    `runlevel/image/signed/runlevel-${version}`,
  );
  if (!existsSync(join(layout, 'index.json')))
    throw unsigned(version, reference, key, `no signed layout at ${layout}`);
  const verdict = await verifyLayoutSignature(key, layout);
  if (!verdict.ok) throw unsigned(version, reference, key, verdict.reason);
  const signed = await findCoreImage(layout);
  const manifest = JSON.parse(await readFile(blobPath(layout, signed.digest), 'utf8')) as {
    config?: { digest?: string };
  };
  if (manifest.config?.digest !== imageId)
    throw unsigned(
      version,
      reference,
      key,
      `image ${imageId} is not the one signed (${manifest.config?.digest})`,
    );
  return { reference, run: imageId, verified: true };
}

function unsigned(version: string, what: string, key: string, reason: string): UserError {
  return new UserError(`core ${version} (${what}) does not verify with ${key}: ${reason}: nothing was run`, {
    exitCode: ExitCode.verifyFailed,
    hint: 'push the signed image (runlevel bundle push), or commit the public key it was signed with as cosign.pub',
  });
}
