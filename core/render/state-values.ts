// The merged values go to helmfile once, as a state values file that only we can read (0600, in
// a fresh 0700 directory) and that is gone when the work is done, whatever happens.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function withStateValues<T>(values: unknown, fn: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'runlevel-values-'));
  try {
    const file = join(dir, 'values.yaml');
    // JSON is YAML, and it keeps every string a string (no YAML 1.1 surprises such as `on`, 1.10).
    await writeFile(file, JSON.stringify(values), { mode: 0o600 });
    return await fn(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
