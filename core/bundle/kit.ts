// The kit beside a bundle: what the far side of an air gap needs besides Docker and the bundle,
// so it needs no checkout, no Go, no npm. `bundle create --out B.tar` writes B.kit/ with
//   runlevel-docker                 the launcher of the bundled core (runs every command in its image)
//   cosign                          the one verifier on the host: static (CGO_ENABLED=0), pinned
//   runlevel-<v>.image.tar          the core image for `docker load` (the signed OCI layout, plus the
//                                   manifest.json docker load reads), tagged runlevel:<v>
//   runlevel-<v>.signature/         the signed manifest and its signatures without the layers: what
//                                   the launcher verifies the loaded image against (by its id)
//   SHA256SUMS, SHA256SUMS.sig      every file's sha256, signed with the bundle's key
// Trust starts at cosign's sha256 (printed by create, recorded in the README) and the values
// repo's cosign.pub: cosign verifies SHA256SUMS, sha256sum -c the rest, the launcher the image.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import {
  chmod,
  copyFile,
  cp,
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { create as tarCreate } from 'tar';
import { UserError } from '../shared/errors.js';
import { installRoot } from '../shared/paths.js';
import { withScratchDir } from '../shared/scratch.js';
import { findTool } from '../shared/tools.js';
import { findCoreImage } from './core-layout.js';
import { blobPath, type Descriptor, reachableBlobs, readLayoutIndex } from './layout.js';
import { cosignSignBlob } from './tools.js';

export interface Kit {
  dir: string;
  /** name → sha256 (hex), as SHA256SUMS lists them. */
  sums: Record<string, string>;
  signed: boolean;
}

/** B.tar → B.kit (beside it). */
export function kitDirFor(bundle: string): string {
  return join(dirname(bundle), `${basename(bundle).replace(/\.tar$/, '')}.kit`);
}

export async function writeKit(o: {
  bundle: string;
  coreLayout: string;
  coreVersion: string;
  key: string | undefined;
}): Promise<Kit> {
  const cosign = findTool('cosign');
  if (!cosign) {
    throw new UserError(
      'cosign is not installed: the kit beside the bundle carries it as the far side’s verifier',
      {
        hint: 'make tools in a runlevel checkout builds it (static, pinned in tools/pins.env)',
      },
    );
  }
  const dir = kitDirFor(o.bundle);
  const partial = `${dir}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  try {
    await copyFile(join(installRoot, 'bin/runlevel-docker'), join(partial, 'runlevel-docker'));
    await chmod(join(partial, 'runlevel-docker'), 0o755);
    await copyFile(cosign, join(partial, 'cosign'));
    await chmod(join(partial, 'cosign'), 0o755);
    const image = await findCoreImage(o.coreLayout);
    await dockerArchive(
      o.coreLayout,
      image,
      `runlevel:${o.coreVersion}`,
      join(partial, `runlevel-${o.coreVersion}.image.tar`),
    );
    const signature = `runlevel-${o.coreVersion}.signature`;
    await signatureLayout(o.coreLayout, image, join(partial, signature));
    const names = ['runlevel-docker', 'cosign', `runlevel-${o.coreVersion}.image.tar`];
    names.push(`${signature}/oci-layout`, `${signature}/index.json`);
    for (const b of (await readdir(join(partial, signature, 'blobs/sha256'))).sort()) {
      names.push(`${signature}/blobs/sha256/${b}`);
    }
    const sums: Record<string, string> = {};
    for (const name of names) sums[name] = await sha256(join(partial, name));
    await writeFile(join(partial, 'SHA256SUMS'), names.map((n) => `${sums[n]}  ${n}\n`).join(''));
    if (o.key) await cosignSignBlob(o.key, join(partial, 'SHA256SUMS'), join(partial, 'SHA256SUMS.sig'));
    await rm(dir, { recursive: true, force: true });
    await rename(partial, dir);
    return { dir, sums, signed: o.key !== undefined };
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}

/**
 * The signed layout as one tar `docker load` reads offline: the OCI layout as it is (blobs keep
 * their digests, so the loaded image's id is the signed manifest's config digest) plus the
 * manifest.json of Docker's own archive format naming the config, the layers and the tag.
 */
async function dockerArchive(layout: string, image: Descriptor, tag: string, out: string): Promise<void> {
  const manifest = JSON.parse(await readFile(blobPath(layout, image.digest), 'utf8')) as {
    config: Descriptor;
    layers: Descriptor[];
  };
  if (!manifest.config || !manifest.layers) {
    throw new UserError(`the core image in ${layout} is not one image manifest (${image.mediaType})`);
  }
  const path = (d: Descriptor) => `blobs/sha256/${d.digest.slice(7)}`;
  await withScratchDir('kit', async (stage) => {
    const docker = [{ Config: path(manifest.config), RepoTags: [tag], Layers: manifest.layers.map(path) }];
    await writeFile(join(stage, 'manifest.json'), JSON.stringify(docker));
    for (const name of ['oci-layout', 'index.json', 'blobs'])
      await symlink(join(layout, name), join(stage, name));
    await tarCreate({ file: out, cwd: stage, portable: true, follow: true }, [
      'manifest.json',
      'oci-layout',
      'index.json',
      'blobs',
    ]);
  });
}

/** The image and signature entries of the layout, with every blob but the image's layers. */
async function signatureLayout(layout: string, image: Descriptor, out: string): Promise<void> {
  const entries = (await readLayoutIndex(layout)).filter(
    (d) => d.digest === image.digest || (d.annotations?.kind ?? '').endsWith('/sigs'),
  );
  await mkdir(join(out, 'blobs/sha256'), { recursive: true });
  await copyFile(join(layout, 'oci-layout'), join(out, 'oci-layout'));
  await writeFile(
    join(out, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: entries,
    }),
  );
  for (const entry of entries) {
    const isImage = entry.digest === image.digest;
    for (const b of await reachableBlobs(layout, entry, { layers: !isImage })) {
      if (!existsSync(blobPath(out, b.digest))) await cp(blobPath(layout, b.digest), blobPath(out, b.digest));
    }
  }
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}
