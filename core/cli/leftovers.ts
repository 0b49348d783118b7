// What helm leaves behind after destroy (CRDs from crds/, namespaces it created): deleted with
// --purge, otherwise named so nobody thinks the cluster is clean.
import type { KubeConfig } from '@kubernetes/client-node';
import {
  deleteLeftovers,
  type Leftover,
  leftoverLine,
  plannedLeftovers,
  presentLeftovers,
  type ReleaseFootprint,
} from '../deploy/leftovers.js';
import { log } from '../shared/log.js';

/** What helm will leave, looked up before destroying (a CRD or namespace already gone is not listed). */
export async function leftoversOf(kc: KubeConfig, footprints?: ReleaseFootprint[]): Promise<Leftover[]> {
  return footprints ? presentLeftovers(kc, plannedLeftovers(footprints)) : [];
}

/** The confirmation's words for what --purge deletes too. */
export const purgePhrase = (leftovers: readonly Leftover[]) =>
  leftovers.length > 0 ? `, then deletes ${leftovers.map(leftoverLine).join(', ')}` : '';

export async function settleLeftovers(
  kc: KubeConfig,
  leftovers: readonly Leftover[],
  opts: { purge: boolean; known: boolean },
): Promise<void> {
  if (opts.purge && leftovers.length > 0) {
    await deleteLeftovers(kc, [...leftovers]);
    log.done(`deleted what helm leaves: ${leftovers.map(leftoverLine).join(', ')}`);
  } else if (leftovers.length > 0) {
    log.warn(
      `left in the cluster (helm does not remove these):\n  ${leftovers.map(leftoverLine).join('\n  ')}\n  run destroy again with --purge to delete them (a CRD takes every object of its kind with it)`,
    );
  } else if (!opts.known) {
    log.warn('the values did not render, so the CRDs and namespaces helm leaves behind are not known');
  }
}
