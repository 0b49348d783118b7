// render(status) → html: a pure function of the status the JSON endpoint returns and of how the
// page was asked for (filter, refresh). No I/O, no clock: the same input gives the same bytes.
import { createHash } from 'node:crypto';
import Handlebars from 'handlebars';
import type { Filter } from './filter.js';
import { clusterTemplate, fleetTemplate } from './templates.js';
import { type ClusterStatus, type FleetRow, type FleetStatus, type State, States } from './types.js';

export const stateWords: Record<State, string> = {
  'in-sync': 'in sync',
  'out-of-sync': 'out of sync',
  drifted: 'drifted',
  failed: 'failed',
  'not-deployed': 'not deployed',
};

/** The agent's states drawn with the icon and colour of the nearest release state (words too). */
const agentTone: Record<string, string> = {
  Idle: 'in-sync',
  Fetching: 'running',
  Deploying: 'running',
  Upgrading: 'running',
  Drifted: 'drifted',
  BackingOff: 'unknown',
  Invalid: 'failed',
  Failed: 'failed',
};

/**
 * The one script, progressive enhancement only. Without it the page reloads by the meta refresh
 * inside <noscript>; with it the script reloads the page itself and puts the reader back where
 * they had scrolled (a meta refresh would lose the place). Its hash goes into the CSP header.
 */
export const pageScript =
  "(function(){var k='rl-scroll:'+location.href,s=sessionStorage,n=+document.documentElement.getAttribute('data-refresh');" +
  "function keep(){try{s.setItem(k,String(scrollY))}catch(e){}}addEventListener('pagehide',keep);" +
  "addEventListener('DOMContentLoaded',function(){try{var y=s.getItem(k);if(y)scrollTo(0,+y)}catch(e){}});" +
  'if(n>0)setTimeout(function(){keep();location.reload()},n*1000)})();';
export const pageScriptHash = `sha256-${createHash('sha256').update(pageScript).digest('base64')}`;

const hb = Handlebars.create();
hb.registerHelper('word', (s: State) => stateWords[s] ?? s);
hb.registerHelper('or', (a: unknown, b: unknown) => (a === undefined || a === null || a === '' ? b : a));
hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
hb.registerHelper('short', (d: string) => (d.length > 19 ? `${d.slice(0, 19)}…` : d));
hb.registerHelper('time', (iso: unknown) => {
  if (typeof iso !== 'string' || iso === '') return '–';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
});
hb.registerHelper('seconds', (s: unknown) => {
  if (typeof s !== 'number') return '–';
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
});
hb.registerHelper('commit12', (c: unknown) => (typeof c === 'string' ? c.slice(0, 12) : ''));
hb.registerHelper('agentTone', (s: unknown) => agentTone[String(s)] ?? 'unknown');
const clusterPage = hb.compile(clusterTemplate, { strict: false });
const fleetPage = hb.compile(fleetTemplate, { strict: false });

export interface PageOptions {
  /** Seconds between reloads (0: none). */
  refresh: number;
  /** Where the server is mounted, ending in "/". */
  base?: string;
  filter?: Filter;
  /** The reader paused the reload (?refresh=0): say so and offer to resume. */
  paused?: boolean;
  /** Query parameters that were not understood: shown on the page, never an error page. */
  problems?: string[];
}

export function renderCluster(status: ClusterStatus, opts: PageOptions): string {
  const base = opts.base ?? '/';
  const filter = opts.filter ?? {};
  const summary = clusterSummary(status);
  const query = filterQuery(filter);
  return clusterPage({
    status,
    summary,
    page: {
      title: `${status.cluster}: ${summary.word} · runlevel`,
      refresh: opts.refresh > 0 ? opts.refresh : undefined,
      paused: opts.paused === true,
      base,
      script: pageScript,
      filter,
      filtered: query !== '',
      problems: opts.problems ?? [],
      states: States.map((s) => ({ value: s, label: stateWords[s], selected: filter.state === s })),
      api: [
        { href: `${base}api/v1/status${query}`, label: 'everything' },
        { href: `${base}api/v1/cluster`, label: 'cluster' },
        { href: `${base}api/v1/agent`, label: 'agent' },
        { href: `${base}api/v1/releases${query}`, label: 'releases' },
        { href: `${base}api/v1/deploys`, label: 'deploys' },
        { href: `${base}api/v1/images`, label: 'images' },
      ],
    },
  });
}

export function renderFleet(
  status: FleetStatus,
  opts: PageOptions & { fleetFilter?: { cluster?: string; health?: string } },
): string {
  const base = opts.base ?? '/';
  const f = opts.fleetFilter ?? {};
  const summary = fleetSummary(status.clusters);
  return fleetPage({
    status,
    summary,
    page: {
      title: `fleet: ${summary.word} · runlevel`,
      refresh: opts.refresh > 0 ? opts.refresh : undefined,
      paused: opts.paused === true,
      base,
      script: pageScript,
      filter: f,
      healths: ['healthy', 'degraded', 'unreachable', 'unknown'].map((h) => ({
        value: h,
        selected: f.health === h,
      })),
      api: [{ href: `${base}api/v1/fleet`, label: 'fleet' }],
    },
  });
}

/** The headline: the worst state present, in words (failed over drifted over out of sync …). */
export function clusterSummary(s: ClusterStatus): {
  state: string;
  word: string;
  counts: { state: State; count: number }[];
} {
  const counts = States.filter((st) => s.counts[st] > 0).map((st) => ({ state: st, count: s.counts[st] }));
  if (s.error && s.counts.total === 0) return { state: 'unknown', word: 'status unknown', counts };
  const worst = (['failed', 'drifted', 'out-of-sync', 'not-deployed'] as const).find(
    (st) => s.counts[st] > 0,
  );
  if (worst) return { state: worst, word: `${s.counts[worst]} ${stateWords[worst]}`, counts };
  return {
    state: 'in-sync',
    word: s.orphans.length > 0 ? 'in sync, removals pending' : 'all in sync',
    counts,
  };
}

export function fleetSummary(rows: readonly FleetRow[]): { state: string; word: string } {
  const n = (h: FleetRow['health']) => rows.filter((r) => r.health === h).length;
  for (const h of ['unreachable', 'degraded', 'unknown'] as const) {
    if (n(h) > 0) return { state: h, word: `${n(h)} of ${rows.length} ${h}` };
  }
  return { state: 'healthy', word: `${rows.length} healthy` };
}

function filterQuery(f: Filter): string {
  const q = new URLSearchParams();
  if (f.release) q.set('release', f.release);
  if (f.namespace) q.set('namespace', f.namespace);
  if (f.state) q.set('state', f.state);
  const s = q.toString();
  return s ? `?${s}` : '';
}
