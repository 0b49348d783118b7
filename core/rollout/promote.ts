// promote, pure: whether the stage before the target has held its gate long enough on the core
// being promoted (read from each cluster's record and live state), and the pin moves themselves,
// made on runlevel.yaml's YAML document so its comments, order and quoting survive.
import { isMap, isScalar, parseDocument } from 'yaml';
import { type GateReading, type GateVerdict, gateVerdict } from './gate.js';
import type { Gate } from './plan.js';

/**
 * The previous stage's gate for a promotion to `version`: the gate itself over the last `soakMs`,
 * and the cluster's last deploy made by that core, succeeded, and at least `soakMs` old.
 */
export function promoteVerdict(
  reading: GateReading,
  gate: Gate,
  opts: { version: string; soakMs: number; now: number },
): GateVerdict {
  const since = new Date(opts.now - opts.soakMs).toISOString();
  const verdict = gateVerdict(reading, gate, since);
  if (!reading.reachable || reading.error !== undefined) return verdict;
  const reasons = [...verdict.reasons];
  const last = reading.deploys.find((d) => d.command === 'deploy' && d.outcome !== 'running');
  if (!last) {
    reasons.push({ kind: 'not-deployed', message: 'never deployed' });
  } else if (last.coreVersion !== opts.version) {
    reasons.push({
      kind: 'other-core',
      message: `last deployed by core ${last.coreVersion}, not ${opts.version}: its agent has not deployed the pin yet`,
    });
  } else if (last.outcome !== 'succeeded') {
    reasons.push({ kind: 'failed-deploy', message: `its last deploy ${last.id} ${last.outcome}` });
  } else if (Date.parse(last.started) > opts.now - opts.soakMs) {
    const left = Math.ceil((Date.parse(last.started) + opts.soakMs - opts.now) / 1000);
    reasons.push({ kind: 'not-soaked', message: `deployed ${last.started}: its soak ends in ${left}s` });
  }
  return { cluster: reading.cluster, holds: reasons.length === 0, reasons };
}

/**
 * runlevel.yaml with `clusters.<c>.core` set to `version` for each cluster whose pin is another:
 * the edits are made on the source text at the positions the YAML document gives, so every other
 * byte (comments, spacing, flow style, quoting) stays as written. `moved` lists what changed.
 */
export function movePins(
  text: string,
  clusters: readonly string[],
  version: string,
): { text: string; moved: { cluster: string; from: string }[] } {
  const doc = parseDocument(text, { keepSourceTokens: true });
  const repoCore = String(doc.get('core') ?? '');
  const moved: { cluster: string; from: string }[] = [];
  const edits: { at: number; end: number; insert: string }[] = [];
  for (const cluster of clusters) {
    const entry = doc.getIn(['clusters', cluster], true);
    if (!isMap(entry) || !entry.range) continue;
    const own = entry.get('core', true);
    const from = own === undefined ? repoCore : String(isScalar(own) ? own.value : own);
    if (from === version) continue;
    moved.push({ cluster, from });
    if (isScalar(own) && own.range) {
      // The same quotes as the old pin, in the same place.
      const q = text[own.range[0]];
      const quote = q === '"' || q === "'" ? q : '"';
      edits.push({ at: own.range[0], end: own.range[1], insert: `${quote}${version}${quote}` });
    } else if (entry.flow) {
      const close = text.lastIndexOf('}', entry.range[1]);
      let at = close;
      while (at > 0 && text[at - 1] === ' ') at--;
      edits.push({ at, end: at, insert: `, core: "${version}"` });
    } else {
      // A new line after the entry's first pair, at its indentation.
      const first = entry.items[0];
      const keyStart = isScalar(first?.key) ? (first.key.range?.[0] ?? entry.range[0]) : entry.range[0];
      const indent = keyStart - (text.lastIndexOf('\n', keyStart - 1) + 1);
      const eol = text.indexOf('\n', keyStart);
      const at = eol < 0 ? text.length : eol + 1;
      edits.push({ at, end: at, insert: `${eol < 0 ? '\n' : ''}${' '.repeat(indent)}core: "${version}"\n` });
    }
  }
  let out = text;
  for (const e of edits.sort((x, y) => y.at - x.at)) out = out.slice(0, e.at) + e.insert + out.slice(e.end);
  return { text: out, moved };
}
