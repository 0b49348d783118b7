// Pushing the signed core image from its `cosign save` layout with crane alone, as `cosign load`
// would: the image by digest, then its signature and attestation manifests under cosign's tags for
// that digest (sha256-<hex>.sig, .att), which `cosign verify` and the launcher look up. crane is in
// the image and cosign is not (push runs in the image: docs/airgap.md).
import { copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ToolError } from '../shared/errors.js';
import { type BundleImage, CoreDir } from './format.js';
import { type Descriptor, readLayoutIndex } from './layout.js';
import { craneDigest, cranePush, type RegistryOptions } from './tools.js';

/** A layout of one entry whose blobs are the bundle's (a link): crane pushes one entry at a time. */
export async function pushEntry(
  layout: string,
  entry: Descriptor,
  view: string,
  ref: string,
  registry: RegistryOptions,
): Promise<string[]> {
  await mkdir(view);
  await copyFile(join(layout, 'oci-layout'), join(view, 'oci-layout'));
  const one = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [entry] };
  await writeFile(join(view, 'index.json'), JSON.stringify(one));
  await symlink(join(layout, 'blobs'), join(view, 'blobs'));
  return (await cranePush(view, ref, registry)).pushed;
}

export interface CorePush {
  state: 'pushed' | 'skipped';
  pushedBytes: number;
  skippedBytes: number;
}

/** `repo`: the core's repository in the mirror (host[:port]/…/runlevel). */
export async function pushCore(
  dir: string,
  image: BundleImage,
  repo: string,
  registry: RegistryOptions,
): Promise<CorePush> {
  const byDigest = `${repo}@${image.digest}`;
  const cosignTag = (suffix: string) => `${repo}:${image.digest.replace(':', '-')}.${suffix}`;
  const there =
    (await craneDigest(byDigest, registry)) === image.digest &&
    (await craneDigest(cosignTag('sig'), registry)) !== undefined;
  if (there) return { state: 'skipped', pushedBytes: 0, skippedBytes: image.size };
  const layout = join(dir, CoreDir);
  const entries = await readLayoutIndex(layout);
  const kindOf = (d: Descriptor) => d.annotations?.kind ?? '';
  // The image first: a signature names a digest the mirror then has.
  const ordered = [
    ...entries.filter((d) => d.digest === image.digest),
    ...entries.filter((d) => kindOf(d).endsWith('/sigs')),
    ...entries.filter((d) => kindOf(d).endsWith('/atts')),
  ];
  for (const [i, entry] of ordered.entries()) {
    const kind = kindOf(entry);
    const ref = kind.endsWith('/sigs')
      ? cosignTag('sig')
      : kind.endsWith('/atts')
        ? cosignTag('att')
        : byDigest;
    await pushEntry(layout, entry, join(dir, `core-view-${i}`), ref, registry);
  }
  const found = await craneDigest(byDigest, registry);
  if (found !== image.digest) {
    throw new ToolError(
      `pushed ${byDigest}, but the mirror answers ${found ?? 'nothing'} for it; nothing was tagged`,
    );
  }
  return { state: 'pushed', pushedBytes: image.size, skippedBytes: 0 };
}
