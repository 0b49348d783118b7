// The loop around decide(): observe → decide → act, one pass at a time. What it acts with are
// ports the command wires to the real stages (the same engine, lock and record as `deploy`);
// unit tests wire them to recording fakes. A hook during a pass asks for one more pass after it.
import { decide } from './decide.js';
import type { GitRemote } from './git.js';
import {
  type Action,
  initialMemory,
  type Observation,
  type SyncEvent,
  type SyncMemory,
  type SyncPolicy,
  type SyncState,
  type Trigger,
} from './states.js';

/** What a port's effect came to: done, or why not (a user's mistake is never retried). */
export type PortResult =
  | { ok: true }
  | { ok: false; cause: 'invalid' | 'api' | 'lock' | 'deploy'; reason: string };

export interface Inspection {
  inputs: string;
  pin: string;
  allowDowngrade: boolean;
}

export interface AgentPorts {
  git: GitRemote;
  /** This cluster's inputs at a checkout (values merged and validated, pin): no render. */
  inspect(tree: string, commit: string): Promise<Inspection | { invalid: string }>;
  /** The deploy engine on a checkout, under the same lock and record as `runlevel deploy`. */
  deploy(tree: string, commit: string, why: 'commit' | 'drift' | 'retry'): Promise<PortResult>;
  /** Live objects drifted from what the deployed commit put there (the ignore rules applied). */
  drift(deployedCommit: string | undefined): Promise<{ objects: number } | { error: string }>;
  /** Hand over to the core the commit pins: our own Deployment is moved to its image. */
  upgrade(
    commit: string,
    to: string,
  ): Promise<{ ok: true; image: string } | Extract<PortResult, { ok: false }>>;
  /**
   * After each pass, inside it (so no other pass moves the checkout meanwhile): the page reads
   * the cluster. Optional; a failure here is the page's, never the loop's.
   */
  afterPass?(status: AgentStatus): Promise<void>;
}

export interface AgentListener {
  event(e: SyncEvent, memory: SyncMemory): void;
  /** A whole pass ended (its trigger, how long it took, the state it left). */
  pass?(p: { trigger: Trigger; seconds: number; memory: SyncMemory }): void;
  /** One deploy ended. */
  deploy?(p: { seconds: number; ok: boolean }): void;
}

export interface AgentStatus {
  state: SyncState;
  ready: boolean;
  head?: string;
  deployed?: { commit: string };
  invalid?: { commit: string; reason: string };
  failure?: { cause: string; commit?: string; reason: string; attempts: number; retryAt: string };
  drifted: number;
  lastSync?: { at: string; trigger: Trigger; state: SyncState };
}

export class SyncAgent {
  private memory: SyncMemory = initialMemory;
  private running: Promise<void> | undefined;
  private again: Trigger | undefined;
  private lastSync: AgentStatus['lastSync'];
  private readyFlag = false;

  constructor(
    private readonly ports: AgentPorts,
    private readonly policy: SyncPolicy,
    private readonly listener: AgentListener,
    private readonly now: () => number = Date.now,
  ) {}

  get ready(): boolean {
    return this.readyFlag;
  }

  get state(): SyncMemory {
    return this.memory;
  }

  status(): AgentStatus {
    const m = this.memory;
    return {
      state: m.state,
      ready: this.readyFlag,
      ...(m.head ? { head: m.head } : {}),
      ...(m.deployed ? { deployed: { commit: m.deployed.commit } } : {}),
      ...(m.invalid ? { invalid: { ...m.invalid } } : {}),
      ...(m.failure
        ? {
            failure: {
              cause: m.failure.cause,
              ...(m.failure.commit ? { commit: m.failure.commit } : {}),
              reason: m.failure.reason,
              attempts: m.failure.attempts,
              retryAt: new Date(m.failure.retryAt).toISOString(),
            },
          }
        : {}),
      drifted: m.drifted,
      ...(this.lastSync ? { lastSync: this.lastSync } : {}),
    };
  }

  /** Start a pass, or ask for one more after the pass in flight; resolves when none is left. */
  trigger(by: Trigger): Promise<void> {
    if (this.running) {
      this.again = this.again === 'hook' ? 'hook' : by;
      return this.running;
    }
    this.running = (async () => {
      try {
        let next: Trigger | undefined = by;
        while (next) {
          this.again = undefined;
          await this.pass(next);
          next = this.again;
        }
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async pass(by: Trigger): Promise<void> {
    const started = this.now();
    let action = this.apply({ kind: 'trigger', by, now: started });
    // Each action's answer is the next observation; a pass ends when the decision is to wait.
    for (let steps = 0; action.kind !== 'wait' && steps < 20; steps++) {
      action = this.apply(await this.act(action));
    }
    this.readyFlag = true;
    this.lastSync = { at: new Date(started).toISOString(), trigger: by, state: this.memory.state };
    this.listener.pass?.({ trigger: by, seconds: (this.now() - started) / 1000, memory: this.memory });
    await this.ports.afterPass?.(this.status()).catch(() => {});
  }

  private apply(seen: Observation): Action {
    const d = decide(this.memory, seen, this.policy);
    this.memory = d.memory;
    for (const e of d.events) this.listener.event(e, d.memory);
    return d.action;
  }

  private async act(action: Exclude<Action, { kind: 'wait' }>): Promise<Observation> {
    const { ports } = this;
    switch (action.kind) {
      case 'fetch':
        try {
          const f = await ports.git.fetch();
          return { kind: 'fetched', commit: f.commit, rewritten: f.rewritten, now: this.now() };
        } catch (err) {
          return { kind: 'fetch-failed', reason: message(err), now: this.now() };
        }
      case 'inspect': {
        const { commit } = action;
        try {
          const tree = await ports.git.checkout(commit);
          const unsigned = await ports.git.verify(commit);
          if (unsigned) return { kind: 'rejected', commit, reason: unsigned, now: this.now() };
          const i = await ports.inspect(tree, commit);
          if ('invalid' in i) return { kind: 'rejected', commit, reason: i.invalid, now: this.now() };
          return { kind: 'inspected', commit, ...i, now: this.now() };
        } catch (err) {
          return { kind: 'fetch-failed', reason: message(err), now: this.now() };
        }
      }
      case 'deploy': {
        const { commit, inputs } = action;
        const t = this.now();
        let r: PortResult;
        try {
          r = await ports.deploy(await ports.git.checkout(commit), commit, action.why);
        } catch (err) {
          r = { ok: false, cause: 'deploy', reason: message(err) };
        }
        this.listener.deploy?.({ seconds: (this.now() - t) / 1000, ok: r.ok });
        if (r.ok) return { kind: 'deployed', commit, inputs, now: this.now() };
        if (r.cause === 'invalid') return { kind: 'rejected', commit, reason: r.reason, now: this.now() };
        return { kind: 'deploy-failed', commit, reason: r.reason, cause: r.cause, now: this.now() };
      }
      case 'check-drift': {
        const r = await ports.drift(this.memory.deployed?.commit).catch((err) => ({ error: message(err) }));
        if ('error' in r) return { kind: 'drift-failed', reason: r.error, now: this.now() };
        return { kind: 'drift', objects: r.objects, now: this.now() };
      }
      case 'upgrade': {
        const r = await ports
          .upgrade(action.commit, action.to)
          .catch((err) => ({ ok: false as const, cause: 'invalid' as const, reason: message(err) }));
        if (r.ok) return { kind: 'handed-over', commit: action.commit, image: r.image, now: this.now() };
        return { kind: 'upgrade-failed', commit: action.commit, reason: r.reason, now: this.now() };
      }
    }
  }
}

function message(err: unknown): string {
  return err instanceof Error ? (err.message.split('\n')[0] ?? err.name) : String(err);
}
