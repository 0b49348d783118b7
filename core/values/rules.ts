// Rules JSON Schema cannot say: references between teams and apps, hosts under the cluster domain,
// settings that require others. They read the values defensively: the schema may have failed too.

import { closest } from '../shared/edit-distance.js';
import type { Problem } from '../shared/errors.js';
import { mirrorProblem } from '../shared/images/mirror.js';
import { formatLocation } from '../shared/source.js';
import { dotted, isMap, pointer, type Value } from './model.js';
import { problemAt } from './problems.js';
import { type Located, locate } from './validate.js';

type Map_ = { [key: string]: Value };

const helmReleaseNameMax = 53;

export function crossFieldProblems(values: Map_, at: Located): Problem[] {
  const problems: Problem[] = [];
  const add = (path: (string | number)[], message: string, hint?: string) => {
    const ptr = pointer(path.map(String));
    // a problem about a whole map points at its key; one about a value at the value
    const { origin } = locate(at.origins, ptr, isMap(getPath(values, path.map(String))));
    problems.push(problemAt(at.texts, origin, message, { path: dotted(path), hint }));
  };
  const get = (v: Value | undefined, ...keys: string[]): Value | undefined => {
    let cur = v;
    for (const k of keys) cur = isMap(cur) ? cur[k] : undefined;
    return cur;
  };
  const domain = get(values, 'cluster', 'domain');
  const teams = get(values, 'teams');
  const apps = get(values, 'apps');
  const appNames = isMap(apps) ? Object.keys(apps) : [];
  const teamNames = isMap(teams) ? Object.keys(teams) : [];

  const underDomain = (path: string[], host: Value | undefined) => {
    if (typeof host !== 'string' || host === '' || typeof domain !== 'string') return;
    if (host !== domain && !host.endsWith(`.${domain}`)) {
      add(path, `host "${host}" is not under cluster.domain (${domain})`, `use a name ending in .${domain}`);
    }
  };

  // helmfile.d/90-apps names each release <team>-<app>: team a-b's app c and team a's app b-c
  // would both be a-b-c, their rendered files mixed and each deploy "changing by hand" the other.
  const releases = new Map<string, { team: string; app: string; at: string }>();
  if (isMap(teams)) {
    for (const team of teamNames) {
      const listed = get(teams, team, 'apps');
      if (Array.isArray(listed)) {
        const seen = new Set<string>();
        listed.forEach((app, i) => {
          if (typeof app !== 'string') return;
          if (seen.has(app))
            add(['teams', team, 'apps', i], `app "${app}" is listed twice`, 'remove the second entry');
          seen.add(app);
          // helmfile.d/90-apps names the release <team>-<app>; helm refuses names over 53
          // characters, and would only say so in the middle of a deploy.
          const release = `${team}-${app}`;
          const other = releases.get(release);
          if (other && other.team !== team)
            add(
              ['teams', team, 'apps', i],
              `release name "${release}" (team ${team}, app ${app}) is also the release of team ${other.team}, app ${other.app} (${other.at})`,
              'rename one of the teams or apps: release names are <team>-<app> and must differ',
            );
          else if (!other) releases.set(release, { team, app, at: placeOf(at, ['teams', team, 'apps', i]) });
          if (release.length > helmReleaseNameMax)
            add(
              ['teams', team, 'apps', i],
              `release name "${release}" is ${release.length} characters; helm allows ${helmReleaseNameMax}`,
              'shorten the team or the app name',
            );
          if (!appNames.includes(app)) {
            const guess = closest(app, appNames);
            add(
              ['teams', team, 'apps', i],
              `team "${team}" lists app "${app}", but apps.${app} is not defined`,
              guess ? `did you mean "${guess}"?` : `define it in apps/${app}.yaml of a layer`,
            );
          }
        });
      }
      const members = get(teams, team, 'members');
      if (Array.isArray(members)) {
        const seen = new Set<string>();
        members.forEach((m, i) => {
          const name = get(m, 'name');
          if (typeof name !== 'string') return;
          if (seen.has(name))
            add(
              ['teams', team, 'members', i, 'name'],
              `member "${name}" is listed twice`,
              'keep one entry per person',
            );
          seen.add(name);
        });
      }
    }
  }

  const mirror = get(values, 'platform', 'registry', 'mirror');
  const allowed = get(values, 'platform', 'registry', 'allowed');
  const registryPolicy = get(values, 'platform', 'policies', 'allowed-registries', 'enabled');
  const mirrorWrong = typeof mirror === 'string' && mirror !== '' ? mirrorProblem(mirror) : undefined;
  if (mirrorWrong) add(['platform', 'registry', 'mirror'], mirrorWrong);
  if (isMap(apps)) {
    for (const app of appNames) {
      const ingressEnabled = get(apps, app, 'ingress', 'enabled');
      const host = get(apps, app, 'ingress', 'host');
      if (ingressEnabled === true && host === '') {
        add(
          ['apps', app, 'ingress'],
          'ingress.host is required when ingress.enabled is true',
          `e.g. host: ${app}.${String(domain ?? 'example.com')}`,
        );
      }
      underDomain(['apps', app, 'ingress', 'host'], host);
      const min = get(apps, app, 'autoscaling', 'minReplicas');
      const max = get(apps, app, 'autoscaling', 'maxReplicas');
      if (typeof min === 'number' && typeof max === 'number' && min > max) {
        add(
          ['apps', app, 'autoscaling', 'maxReplicas'],
          `maxReplicas (${max}) is less than minReplicas (${min})`,
        );
      }
      const repo = get(apps, app, 'image', 'repository');
      // With a mirror set, any upstream name is fine: the render rewrites it into the mirror
      // (core/shared/images/rewrite.ts), and check refuses whatever the rewrite cannot reach.
      const mirrored = typeof mirror === 'string' && mirror !== '';
      if (typeof repo === 'string' && registryPolicy !== false && !mirrored) {
        const registry = registryOf(repo);
        if (Array.isArray(allowed) && !allowed.includes(registry)) {
          add(
            ['apps', app, 'image', 'repository'],
            `image registry ${registry} is not allowed`,
            `allowed: ${allowed.join(', ')} (platform.registry.allowed)`,
          );
        }
      }
    }
  }

  const sso = get(values, 'platform', 'sso');
  if (get(sso, 'enabled') === true && get(sso, 'adminPassword') === '') {
    add(
      ['platform', 'sso'],
      'sso.adminPassword is required when sso.enabled is true',
      'set it in a *.sops.yaml file so it stays encrypted',
    );
  }
  underDomain(['platform', 'sso', 'keycloak', 'hostname'], get(get(sso, 'keycloak'), 'hostname'));

  const pull = get(values, 'platform', 'registry', 'pullSecret');
  if (get(pull, 'enabled') === true) {
    for (const key of ['username', 'password']) {
      if (get(pull, key) === '') {
        add(
          ['platform', 'registry', 'pullSecret'],
          `pullSecret.${key} is required when pullSecret.enabled is true`,
          key === 'password' ? 'set it in a *.sops.yaml file' : undefined,
        );
      }
    }
  }

  const policies = get(values, 'platform', 'policies');
  if (isMap(policies)) {
    for (const id of Object.keys(policies)) {
      const exempt = get(policies, id, 'exceptions', 'teams');
      if (!Array.isArray(exempt)) continue;
      exempt.forEach((team, i) => {
        if (typeof team === 'string' && !teamNames.includes(team)) {
          const guess = closest(team, teamNames);
          add(
            ['platform', 'policies', id, 'exceptions', 'teams', i],
            `unknown team "${team}"`,
            guess ? `did you mean "${guess}"?` : 'list a team defined under teams',
          );
        }
      });
    }
  }
  return problems;
}

/** file:line:col of a value, as a message names another place. */
function placeOf(at: Located, path: (string | number)[]): string {
  const { origin } = locate(at.origins, pointer(path.map(String)));
  return origin ? formatLocation(origin) : dotted(path);
}

function getPath(v: Value | undefined, path: string[]): Value | undefined {
  let cur = v;
  for (const k of path) cur = Array.isArray(cur) ? cur[Number(k)] : isMap(cur) ? cur[k] : undefined;
  return cur;
}

/** The registry host of an image reference: docker.io when the first part is not a host. */
export function registryOf(repository: string): string {
  const first = repository.split('/')[0] ?? '';
  const isHost =
    repository.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return isHost ? first : 'docker.io';
}
