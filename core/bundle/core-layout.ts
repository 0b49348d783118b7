// The signed core image as `cosign save --dir` lays it out: the image entry is annotated
// kind=dev.cosignproject.cosign/image, its signatures kind=…/sigs. Both are carried; the image
// entry is the one the index names.
import { UserError } from '../shared/errors.js';
import { type Descriptor, readLayoutIndex } from './layout.js';

const kind = 'kind';

export async function findCoreImage(layout: string): Promise<Descriptor> {
  const entries = await readLayoutIndex(layout);
  const images = entries.filter((d) => /\/(image|index)$/.test(d.annotations?.[kind] ?? ''));
  const entry = images[0] ?? (entries.length === 1 ? entries[0] : undefined);
  if (!entry || images.length > 1) {
    throw new UserError(
      `${layout} is not one signed image as cosign save writes it (${entries.length} entries)`,
      {
        hint: 'make image writes it with `cosign save --dir`; name another with --core-layout DIR',
      },
    );
  }
  return entry;
}

export async function hasSignatures(layout: string): Promise<boolean> {
  return (await readLayoutIndex(layout)).some((d) => (d.annotations?.[kind] ?? '').endsWith('/sigs'));
}
