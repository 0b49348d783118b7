// What a migration is: data (rename, move, delete, setDefault) plus a function for anything else,
// each naming the values contract version it brings a repo to.
import type { Document } from 'yaml';

/**
 * A place in the merged values, key by key from the root: ['apps', '*', 'autoscaling', 'x'].
 * '*' matches every key of a map (an app, a team). A file merged under a placement
 * (apps/<app>.yaml under apps.<app>) holds the rest of the path.
 */
export type ValuesPath = readonly string[];

export type Step =
  /** The last key of `path` becomes `to`, where it stands (its comments and position kept). */
  | { kind: 'rename'; path: ValuesPath; to: string }
  /** The value at `from` goes to `to` (same number of '*', filled in the same order), with its comments. */
  | { kind: 'move'; from: ValuesPath; to: ValuesPath }
  /** The key at `path` is removed with its value. */
  | { kind: 'delete'; path: ValuesPath }
  /**
   * When no file of the repo sets `path` (no '*'), `value` is written to `file` (a common/ file by
   * default): for a core default that changes, so a repo keeps what it had.
   */
  | { kind: 'setDefault'; path: ValuesPath; value: unknown; file?: string }
  /** Anything else, on one file's document; `placement` says where the file merges. */
  | {
      kind: 'function';
      describe: string;
      apply(doc: Document, file: FileInfo): void;
      /** The values paths whose schema change it answers (the contract test checks every change is answered). */
      covers: readonly ValuesPath[];
    };

export interface FileInfo {
  /** Repo-relative path, e.g. common/apps/web.yaml. */
  path: string;
  /** Where the file merges in the values: [] for settings files, ['apps', 'web'] for apps/web.yaml. */
  placement: readonly string[];
}

export interface Migration {
  /** The contract version this migration brings the repo to: the last one's is the core's. */
  to: number;
  /** One line: what changes. */
  title: string;
  /** Why the contract changed: printed by migrate and kept in the commit message. */
  why: string;
  steps: readonly Step[];
}

/** One values file as migrate sees it: plaintext (a *.sops.yaml file decrypted in memory). */
export interface ValuesFile extends FileInfo {
  text: string;
  encrypted: boolean;
}
