// The unified diff migrate prints per file: jsdiff (`diff` on npm) makes it in memory, so the
// plaintext of an encrypted file never has to be written anywhere for a diff tool to read.
import { createTwoFilesPatch } from 'diff';

export function unifiedDiff(path: string, before: string, after: string): string {
  const patch = createTwoFilesPatch(
    before === '' ? '/dev/null' : `a/${path}`,
    `b/${path}`,
    before,
    after,
    undefined,
    undefined,
    { context: 3 },
  );
  // jsdiff starts with a row of '=' that git's format does not have.
  return patch.replace(/^=+\n/, '');
}
