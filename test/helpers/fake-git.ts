// A recording fake of the agent's git boundary (core/sync/git.ts) for unit tests of the loop:
// the head is what the test sets, every call is journaled, and the remote can be made unreachable.
import type { Fetched, GitRemote } from '../../core/sync/git.js';

export class FakeGit implements GitRemote {
  readonly where = 'fake://values (branch main)';
  head = 'c1';
  rewritten = false;
  down = false;
  /** Commits verify-commit refuses, with why. */
  unsigned = new Map<string, string>();
  readonly calls: string[] = [];

  constructor(private readonly treeOf: (commit: string) => string = (c) => `/tree/${c}`) {}

  async fetch(): Promise<Fetched> {
    this.calls.push('fetch');
    if (this.down) throw new Error('fetching fake://values failed: connection refused');
    const r = { commit: this.head, rewritten: this.rewritten };
    this.rewritten = false;
    return r;
  }

  async checkout(commit: string): Promise<string> {
    this.calls.push(`checkout ${commit}`);
    return this.treeOf(commit);
  }

  async verify(commit: string): Promise<string | undefined> {
    this.calls.push(`verify ${commit}`);
    return this.unsigned.get(commit);
  }
}
