// The agent's page, pure: its status (agent.ts) and what git said of the commits it names become
// the serve stage's AgentFacts, joined to the cluster's facts as last read. The page and every
// /api/v1 JSON are made from the one result, so neither holds what the other does not.
import type { AgentFacts, ClusterStatus, CommitFacts } from '../serve/index.js';
import type { AgentStatus } from './agent.js';

/** Subject, author and date of a commit, as the git boundary read them (absent: not known). */
export type Described = ReadonlyMap<string, Omit<CommitFacts, 'commit'>>;

export function agentFacts(s: AgentStatus, opts: { source: string; described: Described }): AgentFacts {
  const commit = (c: string): CommitFacts => ({ commit: c, ...opts.described.get(c) });
  return {
    running: true,
    state: s.state,
    ready: s.ready,
    source: opts.source,
    ...(s.deployed ? { deployed: commit(s.deployed.commit) } : {}),
    ...(s.head ? { newest: commit(s.head) } : {}),
    ...(s.invalid ? { refused: { commit: s.invalid.commit, reason: s.invalid.reason } } : {}),
    ...(s.failure ? { failure: { ...s.failure } } : {}),
    drifted: s.drifted,
    ...(s.lastSync ? { lastSync: { ...s.lastSync } } : {}),
  };
}

/**
 * The commit whose values the page plans against the cluster: the head unless it was refused
 * (a refused commit does not even validate), else the last good one; undefined before any.
 */
export function shownCommit(s: AgentStatus): string | undefined {
  if (s.head && s.invalid?.commit !== s.head) return s.head;
  return s.deployed?.commit;
}

/**
 * What the cluster's facts depend on besides time: a pass that changes none of it reads nothing.
 * `values` names the values the page plans (and lists images) with: a commit that does not change
 * this cluster's inputs becomes "deployed" without a deploy, so its facts are those of the deploy
 * before it and `values` names the count of deploys that succeeded, not the commit.
 */
export function readKey(s: AgentStatus, deploys: number): { values: string; key: string } {
  const commit = shownCommit(s);
  const values = commit && commit === s.deployed?.commit ? `deployed#${deploys}` : (commit ?? '');
  return { values, key: JSON.stringify([values, s.state, s.drifted, deploys]) };
}

/**
 * The cluster's facts with the agent's: the newest commit is the branch head the agent saw (not
 * the checkout's HEAD); before the first read, an empty cluster that still shows the agent.
 */
export function withAgent(
  cluster: ClusterStatus | undefined,
  agent: AgentFacts,
  empty: ClusterStatus,
): ClusterStatus {
  const base = cluster ?? empty;
  const n = agent.newest;
  const { newest: _stale, ...commit } = base.commit;
  return {
    ...base,
    commit: {
      ...commit,
      ...(n
        ? {
            newest: {
              commit: n.commit.slice(0, 12),
              subject: n.subject ?? '',
              author: n.author ?? '',
              date: n.date ?? '',
            },
          }
        : {}),
    },
    agent,
  };
}
