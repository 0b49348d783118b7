// Whether the cluster's API versions can change a render: only a template that reads helm's
// .Capabilities (`.Capabilities.APIVersions.Has "…"`, or the whole object handed to a helper) can
// render differently on a cluster that serves more kinds. A deploy that installs CRDs changes what
// the cluster serves; when no chart of the core reads .Capabilities, the next deploy's inputs are
// still the same (cli/deploy-inputs.ts), and a no-op right after a first deploy skips the render.
import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { coreRoot } from '../shared/paths.js';

const known = new Map<string, boolean>();

/**
 * True when any template under the charts directory mentions Capabilities, or when a sub-chart is
 * kept as an archive (not looked into: assumed to read them). By text, so a mention in a comment
 * counts too: the answer may only err towards rendering again.
 */
export function chartsReadCapabilities(chartsDir = join(coreRoot, 'charts')): boolean {
  let answer = known.get(chartsDir);
  if (answer === undefined) {
    answer = readsCapabilities(chartsDir, false);
    known.set(chartsDir, answer);
  }
  return answer;
}

function readsCapabilities(dir: string, inTemplates: boolean): boolean {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false; // no charts directory: nothing renders from it
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (readsCapabilities(path, inTemplates || e.name === 'templates')) return true;
    } else if (e.name.endsWith('.tgz')) {
      return true;
    } else if (inTemplates && readFileSync(path, 'utf8').includes('Capabilities')) {
      return true;
    }
  }
  return false;
}
