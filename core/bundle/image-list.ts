// `bundle create --images FILE`: the images to carry, given instead of rendered from values, as
// `runlevel images -o json` prints them (a JSON PlatformImage[]) or as a list of references.
import { readFile } from 'node:fs/promises';
import type { PlatformImage } from '../images/types.js';
import { UserError } from '../shared/errors.js';
import { formatImageRef, parseImageRef } from '../shared/images/reference.js';

export async function readImageList(file: string): Promise<PlatformImage[]> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UserError(`--images ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  });
  return parseImageList(text, file);
}

export function parseImageList(text: string, file: string): PlatformImage[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) return fromJson(trimmed, file);
  const images: PlatformImage[] = [];
  const problems: { message: string; where: { file: string; line: number; col: number } }[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const ref = parseImageRef(line);
    if (!ref)
      problems.push({ message: `"${line}" is not an image reference`, where: { file, line: i + 1, col: 1 } });
    else images.push({ source: formatImageRef(ref), target: formatImageRef(ref), uses: [] });
  });
  if (problems.length > 0) {
    throw new UserError(`--images ${file}: ${problems.length} lines are not image references`, {
      problems,
      hint: 'one reference a line (registry/repository:tag or @sha256:…), # starts a comment',
    });
  }
  return images;
}

function fromJson(text: string, file: string): PlatformImage[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UserError(`--images ${file} is not valid JSON: ${(err as Error).message}`);
  }
  // `runlevel images -o json` may wrap the list: { images: [...] }.
  const list = Array.isArray(data) ? data : (data as { images?: unknown }).images;
  if (!Array.isArray(list)) throw new UserError(`--images ${file}: expected a JSON array of images`);
  return list.map((item, i) => {
    const source = typeof item === 'string' ? item : (item as { source?: unknown })?.source;
    const ref = typeof source === 'string' ? parseImageRef(source) : undefined;
    if (!ref) throw new UserError(`--images ${file}: entry ${i} has no valid "source" image reference`);
    const full = formatImageRef(ref);
    const entry = typeof item === 'string' ? {} : (item as Partial<PlatformImage>);
    return {
      source: full,
      target: entry.target ?? full,
      ...(entry.digest ? { digest: entry.digest } : {}),
      ...(entry.core ? { core: true } : {}),
      uses: entry.uses ?? [],
    };
  });
}
