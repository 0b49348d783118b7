// Grows a real render to a target object count: the platform releases once, then the team and app
// releases (60-teams, 90-apps) copied as new teams (team-payments → team-payments-c7, files and
// index alike) until the render holds at least `target` objects. Objects stay the real charts'
// output, so the check does the work it does for a large platform.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RenderIndex } from '../../core/render/index.js';

type Release = RenderIndex['releases'][number];

export function growRender(
  baseDir: string,
  outDir: string,
  target: number,
): { objects: number; files: number; copies: number } {
  const index = JSON.parse(readFileSync(join(baseDir, 'index.json'), 'utf8')) as RenderIndex;
  const scalable = (r: Release) => r.runlevel === '60-teams' || r.runlevel === '90-apps';
  const fixed = index.releases.filter((r) => !scalable(r));
  const perCopy = index.releases.filter(scalable);
  const perCopyObjects = perCopy.reduce((n, r) => n + r.objects.length, 0);
  const fixedObjects = fixed.reduce((n, r) => n + r.objects.length, 0);
  const copies = Math.max(1, Math.ceil((target - fixedObjects) / perCopyObjects));

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const r of fixed)
    cpSync(join(baseDir, r.runlevel, r.name), join(outDir, r.runlevel, r.name), { recursive: true });
  const teams = [
    ...new Set(
      perCopy.flatMap((r) => r.objects.map((o) => o.namespace ?? '')).filter((n) => n.startsWith('team-')),
    ),
  ];
  const rename = (text: string, k: number) =>
    teams.reduce((t, team) => t.replace(new RegExp(`\\b${team}\\b`, 'g'), `${team}-c${k}`), text);

  const releases: Release[] = [...fixed];
  let files = 0;
  for (let k = 0; k < copies; k++) {
    for (const r of perCopy) {
      const name = `${r.name}-c${k}`;
      const from = join(baseDir, r.runlevel, r.name);
      const to = join(outDir, r.runlevel, name);
      mkdirSync(to, { recursive: true });
      for (const f of readdirSync(from)) {
        writeFileSync(join(to, f), rename(readFileSync(join(from, f), 'utf8'), k));
        files++;
      }
      releases.push({
        ...r,
        name,
        namespace: rename(r.namespace, k),
        objects: r.objects.map((o) => ({
          ...o,
          name: rename(o.name, k),
          ...(o.namespace ? { namespace: rename(o.namespace, k) } : {}),
          file: o.file.replace(`${r.runlevel}/${r.name}/`, `${r.runlevel}/${name}/`),
        })),
      });
    }
  }
  writeFileSync(join(outDir, 'index.json'), JSON.stringify({ ...index, releases }, null, 2));
  return { objects: releases.reduce((n, r) => n + r.objects.length, 0), files, copies };
}
