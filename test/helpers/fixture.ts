// Inline fixture trees: `await fixture({ 'common/settings.yaml': '…' })` returns a fresh temp dir.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export async function fixture(
  tree: Record<string, string | Buffer>,
  prefix = 'runlevel-test-',
): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  for (const [path, content] of Object.entries(tree)) {
    const file = join(root, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  return root;
}

export async function removeFixture(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
}

/** A fixture tree for the length of `fn`, removed when it settles (a failed assertion included). */
export async function withFixture<T>(
  tree: Record<string, string | Buffer>,
  fn: (root: string) => T | Promise<T>,
  prefix?: string,
): Promise<T> {
  const root = await fixture(tree, prefix);
  try {
    return await fn(root);
  } finally {
    await removeFixture(root);
  }
}
