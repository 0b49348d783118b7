// One values file from disk to text: a regular file, readable, not too large, UTF-8, no NUL. Each
// way it can fail is a problem at the file (and at the byte, where there is one), never a throw.
import { isUtf8 } from 'node:buffer';
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Problem } from '../shared/errors.js';
import { lineColAt } from '../shared/source.js';
import { problemAt, type Texts } from './problems.js';

const maxFileBytes = 4 * 1024 * 1024;

interface Scope {
  root: string;
  texts: Texts;
  problems: Problem[];
}

/** Read and decode one file (kept in texts for code frames). Undefined when it cannot be used. */
export function readText(scope: Scope, file: string): string | undefined {
  const bytes = readBytes(scope, file);
  if (bytes === undefined) return undefined;
  const text = decodeUtf8(scope, file, bytes);
  if (text === undefined) return undefined;
  scope.texts.set(file, text);
  const nul = text.indexOf('\u0000');
  if (nul !== -1) {
    scope.problems.push(
      problemAt(scope.texts, { file, ...lineColAt(text, nul) }, 'holds a NUL byte: this is not a text file', {
        hint: 'values files are UTF-8 text; restore the file from git or write it again',
      }),
    );
    return undefined;
  }
  return text;
}

/** The file's bytes after checking what it is (a FIFO would block, a huge file would fill memory). */
function readBytes(scope: Scope, file: string): Buffer | undefined {
  const at = { file, line: 1, col: 1 };
  let fd: number | undefined;
  try {
    fd = openSync(join(scope.root, file), 'r');
    const st = fstatSync(fd);
    if (!st.isFile()) {
      scope.problems.push(
        problemAt(scope.texts, at, 'is not a regular file', { hint: 'values files are plain files' }),
      );
      return undefined;
    }
    if (st.size > maxFileBytes) {
      scope.problems.push(
        problemAt(scope.texts, at, `is larger than ${maxFileBytes / 1024 / 1024} MiB`, { hint: 'split it' }),
      );
      return undefined;
    }
    return readFileSync(fd);
  } catch (err) {
    scope.problems.push(unreadable(scope.texts, file, err));
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A file or directory the operating system would not let us read, as a problem at it. */
export function unreadable(texts: Texts, file: string, err: unknown): Problem {
  const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'EISDIR'
        ? 'it is a directory'
        : ((err as Error).message ?? code).replace(/^[A-Z]+: /, '').replace(/, open .*$/, '');
  return problemAt(texts, { file, line: 1, col: 1 }, `cannot be read: ${why} (${code})`, {
    hint:
      code === 'EACCES' || code === 'EPERM'
        ? 'make it readable for the user runlevel runs as (in a container: the mounted volume must be readable by it)'
        : 'check the file',
  });
}

/** Strict UTF-8 (a BOM is dropped); a problem at the first bad byte otherwise. */
function decodeUtf8(scope: Scope, file: string, bytes: Buffer): string | undefined {
  if (isUtf8(bytes)) return bytes.toString('utf8').replace(/^\uFEFF/, '');
  const bad = firstInvalidByte(bytes);
  const before = bytes.subarray(0, bad).toString('utf8');
  const at = lineColAt(before, before.length);
  scope.texts.set(file, bytes.toString('utf8'));
  scope.problems.push(
    problemAt(
      scope.texts,
      { file, ...at },
      `not UTF-8: invalid byte 0x${bytes[bad]?.toString(16).padStart(2, '0')} at offset ${bad}`,
      { hint: 'save the file as UTF-8' },
    ),
  );
  return undefined;
}

/**
 * Offset of the first byte of the first invalid sequence in bytes that are not UTF-8. Decoding
 * puts U+FFFD there and decodes everything before it exactly, so the byte length of the text
 * before it is the offset; a U+FFFD that the file itself holds (EF BF BD) is skipped.
 */
export function firstInvalidByte(bytes: Buffer): number {
  const text = bytes.toString('utf8');
  let at = 0; // byte offset of text[from]
  let from = 0;
  for (let i = text.indexOf('\uFFFD'); i !== -1; i = text.indexOf('\uFFFD', i + 1)) {
    at += Buffer.byteLength(text.slice(from, i));
    from = i;
    if (!(bytes[at] === 0xef && bytes[at + 1] === 0xbf && bytes[at + 2] === 0xbd)) return at;
  }
  return bytes.length;
}
