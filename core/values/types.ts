// Types shared by the layer-file readers (load-file.ts and the lazily loaded load-full.ts), kept
// apart so neither imports the other for a type.
import type { Problem } from '../shared/errors.js';
import type { PlacedTree } from './merge.js';

/** One layer file read: its tree (none when empty or unusable), its secret leaves, its problems. */
export interface Loaded {
  tree?: PlacedTree;
  secrets: string[];
  problems: Problem[];
}
