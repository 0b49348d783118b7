// The kinds a release defines (`group/Kind`): its CRDs, rendered or from the crds/ of its chart and
// sub-charts, and the constraint kinds of its ConstraintTemplates (Gatekeeper makes a CRD of each).
// The deploy plan puts a release that creates objects of such a kind after the one defining it.
import { kindDefiners } from './platform-crds.js';

export function kindsDefinedBy(release: { manifest: string; chart: { path: string } }): string[] {
  const kinds = new Set<string>();
  for (const body of kindDefiners([release])) {
    const spec = body.spec as
      | { group?: string; names?: { kind?: string }; crd?: { spec?: { names?: { kind?: string } } } }
      | undefined;
    if (body.kind === 'CustomResourceDefinition' && spec?.group && spec.names?.kind) {
      kinds.add(`${spec.group}/${spec.names.kind}`);
    }
    const constraint = spec?.crd?.spec?.names?.kind;
    if (body.kind === 'ConstraintTemplate' && constraint)
      kinds.add(`constraints.gatekeeper.sh/${constraint}`);
  }
  return [...kinds].sort();
}
