// policies/catalog.yaml: the policy ids, their titles and hints, and which ones Gatekeeper upholds.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { coreRoot } from '../shared/paths.js';
import { parseYaml } from '../shared/yaml/plain.js';

export interface CatalogEntry {
  package: string;
  title: string;
  hint: string;
  match: string;
  inCluster: boolean;
}

export const policiesDir = join(coreRoot, 'policies');

let cached: Record<string, CatalogEntry> | undefined;

export function readCatalog(dir = policiesDir): Record<string, CatalogEntry> {
  if (!cached || dir !== policiesDir) {
    const doc = parseYaml(readFileSync(join(dir, 'catalog.yaml'), 'utf8')) as {
      catalog: Record<string, CatalogEntry>;
    };
    if (dir !== policiesDir) return doc.catalog;
    cached = doc.catalog;
  }
  return cached;
}
