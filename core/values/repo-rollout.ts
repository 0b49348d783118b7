// The rollout stages of runlevel.yaml beyond what the schema can say: every cluster a stage names
// is one of the repo's clusters, a stage name is used once, a cluster belongs to one stage.
import { closest } from '../shared/edit-distance.js';
import type { Problem } from '../shared/errors.js';
import type { Origins } from './model.js';
import { problemAt, type Texts } from './problems.js';
import type { RunlevelFile } from './types.generated.js';

export function rolloutProblems(file: RunlevelFile, origins: Origins, texts: Texts): Problem[] {
  const stages = file.rollout?.stages ?? [];
  const names = Object.keys(file.clusters);
  const problems: Problem[] = [];
  const stageOf = new Map<string, string>();
  const seenStages = new Set<string>();
  stages.forEach((stage, i) => {
    if (seenStages.has(stage.name)) {
      problems.push(
        problemAt(texts, origins.get(`/rollout/stages/${i}/name`), `stage "${stage.name}" is named twice`, {
          path: `rollout.stages[${i}].name`,
          hint: 'give every stage its own name: `--from` and `promote --to` pick a stage by it',
        }),
      );
    }
    seenStages.add(stage.name);
    stage.clusters.forEach((cluster, j) => {
      const where = origins.get(`/rollout/stages/${i}/clusters/${j}`);
      const path = `rollout.stages[${i}].clusters[${j}]`;
      if (!Object.hasOwn(file.clusters, cluster)) {
        const guess = closest(cluster, names);
        problems.push(
          problemAt(
            texts,
            where,
            `stage "${stage.name}" names cluster "${cluster}", which is not under clusters:`,
            {
              path,
              hint: guess ? `did you mean "${guess}"?` : `the clusters are: ${names.join(', ')}`,
            },
          ),
        );
        return;
      }
      const earlier = stageOf.get(cluster);
      if (earlier !== undefined) {
        problems.push(
          problemAt(texts, where, `cluster "${cluster}" is in stage "${earlier}" already`, {
            path,
            hint: 'a cluster belongs to one stage: it is deployed once per rollout',
          }),
        );
        return;
      }
      stageOf.set(cluster, stage.name);
    });
  });
  return problems;
}
