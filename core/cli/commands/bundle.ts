// bundle create | push | inspect: flags in, one call to core/bundle, a report out.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  createBundle,
  defaultCoreLayoutDir,
  formatBytes,
  inspectBundle,
  LockFile,
  pushBundle,
  readImageList,
  updateLock,
} from '../../bundle/index.js';
import { listPlatformImages } from '../../images/index.js';
import type { PlatformImage } from '../../images/types.js';
import { UserError } from '../../shared/errors.js';
import { ExitCode } from '../../shared/exit-codes.js';
import { mirrorProblem } from '../../shared/images/mirror.js';
import { log } from '../../shared/log.js';
import type { Command, CommandContext } from '../command.js';
import type { ResolvedConfig } from '../config.js';
import { coreVersion } from './version.js';

const usage = [
  'runlevel bundle create --cluster C [--values DIR] --out FILE [--key cosign.key] [--images FILE]',
  '                       [--core-layout DIR | --without-core] [--platform os/arch] [--insecure]',
  '       runlevel bundle push FILE --to REGISTRY[/prefix] [--public-key cosign.pub | --values DIR]',
  '                       [--insecure-skip-verify] [--insecure] [-o json]',
  '       runlevel bundle inspect FILE [--public-key cosign.pub] [-o json]',
  '',
  'create pulls every platform image (crane) into one tar holding an OCI image layout, the signed',
  'core image (as `make image` saved it) and runlevel-bundle.json, signed with --key (cosign,',
  'offline; COSIGN_PASSWORD from the environment), and pins every digest in images.lock.yaml.',
  'push verifies the signature and every digest before it sends anything, pushes by digest, and',
  'tags only once every image is in the mirror. The public key is --public-key, else cosign.pub',
  'at the root of the values repo.',
].join('\n');

export const command: Command = {
  summary: 'air-gapped transfer: create one signed file of every image | push it to a mirror | inspect it',
  usage,
  options: {
    out: { type: 'string', env: 'RUNLEVEL_BUNDLE_OUT', help: 'create: the bundle file to write' },
    key: {
      type: 'string',
      env: 'RUNLEVEL_BUNDLE_KEY',
      help: 'create: cosign private key that signs the index',
    },
    images: {
      type: 'string',
      env: 'RUNLEVEL_BUNDLE_IMAGES',
      help: 'create: carry these images (`runlevel images -o json`, or one reference a line) instead of the rendered ones',
    },
    'core-layout': {
      type: 'string',
      env: 'RUNLEVEL_BUNDLE_CORE_LAYOUT',
      help: 'create: the signed core image as `cosign save --dir` wrote it (default: where make image puts it)',
    },
    'without-core': { type: 'boolean', help: 'create: leave the core image out' },
    platform: {
      type: 'string',
      env: 'RUNLEVEL_BUNDLE_PLATFORM',
      help: 'create: only this platform of multi-platform images (linux/amd64)',
    },
    to: { type: 'string', env: 'RUNLEVEL_BUNDLE_TO', help: 'push: the mirror, host[:port][/prefix]' },
    'public-key': {
      type: 'string',
      env: 'RUNLEVEL_BUNDLE_PUBLIC_KEY',
      help: 'push, inspect: cosign public key (default: cosign.pub in the values repo)',
    },
    'insecure-skip-verify': {
      type: 'boolean',
      help: 'push: do not verify the signatures (digests are still checked)',
    },
    insecure: {
      type: 'boolean',
      env: 'RUNLEVEL_BUNDLE_INSECURE',
      help: 'plain http to a registry that is not on localhost',
    },
  },
  async run(ctx) {
    const [sub, ...rest] = ctx.args;
    if (sub === 'create') return create(ctx);
    if (sub === 'push') return push(ctx, rest);
    if (sub === 'inspect') return inspect(ctx, rest);
    throw new UserError(sub ? `unknown bundle command "${sub}"` : 'bundle needs a command', {
      hint: 'one of: create, push, inspect (runlevel bundle --help)',
    });
  },
};

async function create({ config, flags }: CommandContext) {
  const out = typeof flags.out === 'string' ? resolve(flags.out) : undefined;
  if (!out) throw new UserError('bundle create needs --out FILE', { hint: 'e.g. --out platform.bundle.tar' });
  const imagesFile = typeof flags.images === 'string' ? flags.images : undefined;
  if (!config.cluster && !imagesFile) {
    throw new UserError('bundle create needs --cluster C (whose images to carry)', {
      hint: 'or --images FILE',
    });
  }
  const version = coreVersion();
  const coreLayout =
    flags['without-core'] === true
      ? undefined
      : resolve(
          typeof flags['core-layout'] === 'string' ? flags['core-layout'] : defaultCoreLayoutDir(version),
        );
  const images = imagesFile ? await readImageList(imagesFile) : await renderedImages(config);
  const key = typeof flags.key === 'string' ? resolve(flags.key) : undefined;
  if (key && !existsSync(key)) throw new UserError(`--key ${key}: no such file`);
  if (coreLayout === undefined) log.warn('--without-core: the bundle carries no core image');
  const started = Date.now();
  log.start(`bundling ${images.filter((i) => !i.core).length} images${coreLayout ? ' and the core' : ''}`);
  const result = await createBundle({
    cluster: config.cluster ?? '',
    coreVersion: version,
    images,
    coreLayout,
    key,
    output: out,
    registry: registryOptions(flags),
  });
  // The lock pins what the bundle carries, in the values repo it was made for.
  if (existsSync(join(config.valuesDir, 'runlevel.yaml'))) {
    const pins = Object.fromEntries(
      result.index.images.filter((i) => !i.core && !i.source.includes('@')).map((i) => [i.source, i.digest]),
    );
    const file = await updateLock(config.valuesDir, pins);
    log.generated(`${file}: ${Object.keys(pins).length} digests pinned; commit it with your values`);
  } else log.info(`no runlevel.yaml in ${config.valuesDir}: ${LockFile} not written`);
  if (config.output === 'json')
    log.writeData(JSON.stringify({ file: result.file, bytes: result.bytes, ...result.index }, null, 2));
  if (result.kit) {
    log.generated(
      `${result.kit.dir}: the far side's kit (launcher, cosign, the core image for docker load${result.kit.signed ? ', SHA256SUMS signed' : ''}); check it there with cosign, whose sha256 is ${result.kit.sums.cosign} (docs/airgap.md)`,
    );
  }
  const took = ((Date.now() - started) / 1000).toFixed(1);
  log.done(
    `${result.file}: ${result.index.images.length} images, ${formatBytes(result.bytes)} in ${took}s${key ? ', signed' : ''}`,
  );
}

async function push({ config, flags }: CommandContext, rest: string[]) {
  const file = rest[0];
  if (!file)
    throw new UserError('bundle push needs the bundle file', {
      hint: 'runlevel bundle push FILE --to REGISTRY',
    });
  const to = typeof flags.to === 'string' ? flags.to.replace(/\/+$/, '') : undefined;
  if (!to) throw new UserError('bundle push needs --to REGISTRY[/prefix] (the mirror)');
  const wrong = mirrorProblem(to);
  if (wrong) {
    // Named as the user gave it: the flag, or the variable when the flag was absent.
    const from = process.env.RUNLEVEL_BUNDLE_TO === flags.to ? 'RUNLEVEL_BUNDLE_TO=' : '--to ';
    throw new UserError(`${from}${JSON.stringify(flags.to)} ${wrong}`, {
      hint: 'the same form as platform.registry.mirror: host[:port][/prefix], e.g. mirror.example.com:5000/platform',
    });
  }
  const publicKey = publicKeyOf(config, flags, true);
  const started = Date.now();
  log.start(`verifying ${file}`);
  const report = await pushBundle({ file: resolve(file), to, publicKey, registry: registryOptions(flags) });
  const sent = report.images.reduce((n, i) => n + i.pushedBytes, 0);
  const skipped = report.images.reduce((n, i) => n + i.skippedBytes, 0);
  if (config.output === 'json')
    log.writeData(JSON.stringify({ to, signature: report.signature, images: report.images }, null, 2));
  const took = ((Date.now() - started) / 1000).toFixed(1);
  log.done(
    `${report.images.length} images in ${to}, tagged: ${formatBytes(sent)} sent, ${formatBytes(skipped)} already there, in ${took}s`,
  );
}

async function inspect({ config, flags }: CommandContext, rest: string[]) {
  const file = rest[0];
  if (!file)
    throw new UserError('bundle inspect needs the bundle file', { hint: 'runlevel bundle inspect FILE' });
  const publicKey = publicKeyOf(config, flags, false);
  const { index, signed, signature } = await inspectBundle(resolve(file), publicKey);
  if (config.output === 'json') {
    log.writeData(JSON.stringify({ ...index, signed, signature }, null, 2));
  } else {
    const rows = index.images.map((i) => [
      i.core ? `${i.source} (core)` : i.source,
      i.digest,
      formatBytes(i.size),
      i.target,
    ]);
    const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => (r[c] as string).length), 6));
    const line = (r: string[]) =>
      r
        .map((cell, c) => (c < 3 ? cell.padEnd(widths[c] as number) : cell))
        .join('  ')
        .trimEnd();
    const sig = !signed
      ? 'not signed'
      : !signature
        ? 'signed (give --public-key to verify)'
        : signature.verified
          ? `verified with ${signature.key}`
          : `DOES NOT VERIFY with ${signature.key}: ${signature.reason}`;
    log.writeData(
      [
        `bundle of cluster ${index.cluster || '-'}, core ${index.coreVersion}, created ${index.created}`,
        line(['IMAGE', 'DIGEST', 'SIZE', 'TARGET']),
        ...rows.map(line),
        `total: ${index.images.length} images, ${formatBytes(index.total)}`,
        `signature: ${sig}`,
      ].join('\n'),
    );
  }
  if (signature && !signature.verified) {
    throw new UserError(`the bundle index signature does not verify with ${signature.key}`, {
      exitCode: ExitCode.verifyFailed,
    });
  }
}

function publicKeyOf(
  config: ResolvedConfig,
  flags: CommandContext['flags'],
  required: boolean,
): string | undefined {
  if (typeof flags['public-key'] === 'string') {
    const key = resolve(flags['public-key']);
    if (!existsSync(key)) throw new UserError(`--public-key ${key}: no such file`);
    return key;
  }
  const inRepo = join(config.valuesDir, 'cosign.pub');
  if (existsSync(inRepo)) return inRepo;
  if (!required || flags['insecure-skip-verify'] === true) return undefined;
  throw new UserError(
    `no public key to verify the bundle with: no --public-key, and no cosign.pub in ${config.valuesDir}`,
    {
      hint: 'keep the signing key’s cosign.pub at the root of the values repo (--values DIR), or pass --public-key; --insecure-skip-verify pushes unverified',
    },
  );
}

function registryOptions(flags: CommandContext['flags']) {
  return {
    ...(flags.insecure === true ? { insecure: true } : {}),
    ...(typeof flags.platform === 'string' ? { platform: flags.platform } : {}),
  };
}

/** The images the rendered platform runs (core/images, as `runlevel images` lists them). */
function renderedImages(config: ResolvedConfig): Promise<PlatformImage[]> {
  return listPlatformImages({
    valuesDir: config.valuesDir,
    cluster: config.cluster as string,
    ...(config.ageKeyFile ? { ageKeyFile: config.ageKeyFile } : {}),
  });
}
