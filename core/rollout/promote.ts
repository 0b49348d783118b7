// promote, pure: whether the stage before the target has held its gate long enough on the core
// being promoted (read from each cluster's record and live state), and the pin moves themselves,
// made on runlevel.yaml's YAML document so its comments, order and quoting survive.
import { isMap, parseDocument } from 'yaml';
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
 * runlevel.yaml with `clusters.<c>.core` set to `version` for each cluster whose pin is another;
 * everything else byte for byte. `moved` lists the clusters whose pin changed.
 */
export function movePins(
  text: string,
  clusters: readonly string[],
  version: string,
): { text: string; moved: { cluster: string; from: string }[] } {
  const doc = parseDocument(text);
  const repoCore = String(doc.get('core') ?? '');
  const moved: { cluster: string; from: string }[] = [];
  for (const cluster of clusters) {
    const entry = doc.getIn(['clusters', cluster]);
    if (!isMap(entry)) continue;
    const own = entry.get('core');
    const from = own === undefined ? repoCore : String(own);
    if (from === version) continue;
    entry.set('core', version);
    moved.push({ cluster, from });
  }
  return { text: moved.length > 0 ? doc.toString() : text, moved };
}
