import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { closestImage, findImages, formatImages, useLine } from '../../images/format.js';
import { type ImageUse, listPlatformImages, type PlatformImage } from '../../images/index.js';
import { UserError } from '../../shared/errors.js';
import { ExitCode } from '../../shared/exit-codes.js';
import { log } from '../../shared/log.js';
import { coreRoot } from '../../shared/paths.js';
import { codeFrame } from '../../shared/source.js';
import type { Command } from '../command.js';
import { concurrencyFlag } from '../flags.js';

export const command: Command = {
  summary: 'every image the platform runs: source → mirror target, where it is used and set',
  usage:
    'runlevel images --cluster C [-o text|json] [--why IMAGE]\n\n' +
    'Renders the cluster offline (no cluster needed) and lists every image of every release, the\n' +
    'core image too, sorted: what the charts name, where platform.registry.mirror puts it, the\n' +
    'digest images.lock.yaml pins, and for each use the object, the field and the values line.\n' +
    '--why IMAGE (source or target, with or without registry or tag) explains one image.',
  options: {
    why: {
      type: 'string',
      env: 'RUNLEVEL_IMAGES_WHY',
      help: 'explain one image: every use, with its values line',
    },
    concurrency: {
      type: 'string',
      env: 'RUNLEVEL_CONCURRENCY',
      help: 'releases rendered at once (default 2 × cores)',
    },
  },
  async run({ config, flags }) {
    if (!config.cluster) {
      throw new UserError('no cluster given', { hint: 'pass --cluster (or RUNLEVEL_CLUSTER)' });
    }
    log.start(`listing the images of ${config.cluster}`);
    const concurrency = concurrencyFlag(flags);
    const images = await listPlatformImages({
      valuesDir: config.valuesDir,
      cluster: config.cluster,
      ageKeyFile: config.ageKeyFile,
      ...(concurrency ? { concurrency } : {}),
    });
    const why = typeof flags.why === 'string' ? flags.why : undefined;
    const shown = why === undefined ? images : findImages(images, why);
    if (why !== undefined && shown.length === 0) {
      const guess = closestImage(images, why);
      throw new UserError(`no image of cluster ${config.cluster} is named ${why}`, {
        exitCode: ExitCode.invalid,
        hint: guess ? `did you mean ${guess}?` : '`runlevel images` lists them all',
      });
    }
    if (config.output === 'json') log.writeData(JSON.stringify(shown, null, 2));
    else if (why !== undefined) log.writeData(explain(shown, config.valuesDir));
    else log.writeData(formatImages(shown));
    const uses = images.reduce((n, i) => n + i.uses.length, 0);
    log.done(`${images.length} images, ${uses} uses`);
  },
};

/** Every use of the images found, with the values (or chart) line that set it and its frame. */
function explain(images: readonly PlatformImage[], valuesDir: string): string {
  const out: string[] = [];
  for (const image of images) {
    out.push(formatImages([{ ...image, uses: [] }]));
    if (image.source !== image.target) out.push('  the mirror rewrite (platform.registry.mirror) maps it');
    for (const use of image.uses) {
      out.push('', `  ${useLine(use)}`);
      if (use.hook && image.source !== image.target) {
        out.push(
          '    a hook: helm never passes hooks to its post-renderer, so it still pulls the source;',
          `    set the values line below to ${image.target}`,
        );
      }
      // One frame per place: each part that came from its own line (registry, repository, tag).
      const places = new Map<string, { values?: ImageUse['values']; chart?: string }>();
      const parts = use.parts ?? [];
      if (parts.length > 0)
        for (const p of parts) places.set(p.values ? JSON.stringify(p.values) : (p.chart ?? ''), p);
      else
        places.set('', {
          ...(use.values ? { values: use.values } : {}),
          ...(use.chartDefault ? { chart: use.chartDefault } : {}),
        });
      for (const place of places.values()) {
        if (place.values?.file.endsWith('.sops.yaml')) continue; // ciphertext: the place is enough
        const frame = place.values
          ? frameOf(join(valuesDir, place.values.file), place.values.line, place.values.col)
          : place.chart
            ? chartFrame(place.chart)
            : undefined;
        if (frame) out.push(indent(frame, '    '));
      }
    }
    if (image.core && image.pin) {
      out.push('', `  runlevel core image, pinned at ${image.pin.file}:${image.pin.line}:${image.pin.col}`);
      const frame = frameOf(join(valuesDir, image.pin.file), image.pin.line, image.pin.col);
      if (frame) out.push(indent(frame, '    '));
    }
    out.push('');
  }
  return out.join('\n');
}

function chartFrame(at: string): string | undefined {
  const m = /^(.*):(\d+)$/.exec(at);
  if (!m?.[1] || !m[2]) return undefined;
  return frameOf(isAbsolute(m[1]) ? m[1] : join(coreRoot, m[1]), Number(m[2]), 1);
}

function frameOf(file: string, line: number, col: number): string | undefined {
  try {
    return codeFrame(readFileSync(file, 'utf8'), line, col, 1);
  } catch {
    return undefined;
  }
}

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? l : by + l))
    .join('\n');
}
