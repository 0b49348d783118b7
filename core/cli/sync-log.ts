// What the sync agent's events say to people (one line each on stderr, or one JSON event of kind
// "sync"), and how several listeners (log, metrics, page) hear the same agent.
import { log, type MarkName } from '../shared/log.js';
import type { AgentListener } from '../sync/agent.js';
import type { DriftMode, SyncEvent, SyncMemory } from '../sync/states.js';

/** Both listeners hear every event, a before b. */
export function both(a: AgentListener, b: AgentListener): AgentListener {
  return {
    event: (e, m) => {
      a.event(e, m);
      b.event(e, m);
    },
    pass: (p) => {
      a.pass?.(p);
      b.pass?.(p);
    },
    deploy: (p) => {
      a.deploy?.(p);
      b.deploy?.(p);
    },
  };
}

/** One line per event on stderr (plain, tty) or one JSON event of kind "sync" (--log-format json). */
export function logListener(mode: DriftMode): AgentListener {
  const short = (c?: string) => (c ? c.slice(0, 12) : '-');
  return {
    event(e: SyncEvent, m: SyncMemory) {
      const say = (mark: MarkName, message: string) =>
        log.event({ kind: 'sync', mark, message, data: { event: e.kind, state: m.state, ...e } });
      switch (e.kind) {
        case 'state':
          // Every pass goes through Fetching and back: only the other transitions are news.
          if (e.to === 'Fetching' || (e.from === 'Fetching' && e.to === 'Idle'))
            return log.debug(() => `state ${e.from} → ${e.to}`);
          return say('info', `state ${e.from} → ${e.to}`);
        case 'fetched':
          if (e.rewritten)
            return say('warn', `history was rewritten (force-push): the new head is ${short(e.commit)}`);
          return log.debug(() => `fetched ${short(e.commit)}`);
        case 'skipped':
          return say(
            'info',
            `commit ${short(e.commit)} does not change this cluster's inputs: nothing to deploy`,
          );
        case 'invalid':
          return say(
            'fail',
            `commit ${short(e.commit)} refused, ${short(m.deployed?.commit)} stays deployed: ${e.reason}`,
          );
        case 'deployed':
          return say('done', `deployed ${short(e.commit)}`);
        case 'failed':
          return say('fail', `${e.cause} failure${e.commit ? ` at ${short(e.commit)}` : ''}: ${e.reason}`);
        case 'backoff':
          return say('waiting', `backing off ${e.seconds}s (attempt ${e.attempts})`);
        case 'drift':
          return say(
            'warn',
            `${e.objects} live object${e.objects === 1 ? '' : 's'} drifted${mode === 'correct' ? ': repairing' : ' (--drift warn: reported only)'}`,
          );
        case 'upgrade':
          return say('start', `commit ${short(e.commit)} pins core ${e.to}: handing over from ${e.from}`);
        case 'handed-over':
          return say('done', `our Deployment now runs ${e.image}: the new core deploys ${short(e.commit)}`);
      }
    },
    pass({ trigger, seconds, memory }) {
      log.debug(() => `pass (${trigger}) ended in ${seconds.toFixed(1)}s: ${memory.state}`);
    },
  };
}
