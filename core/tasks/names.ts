// The closed set of task names, without the tasks themselves: checking a runlevel header's task
// list (validate) must not load the Kubernetes client that running a task needs (a second of
// start-up). test/unit/tasks/names.test.ts keeps it equal to the registry.
export const taskNames = [
  'wait-crds',
  'copy-platform-ca',
  'copy-pull-secret',
  'team-credentials',
  'label-policy-exceptions',
] as const;

export type TaskName = (typeof taskNames)[number];

/** One entry of a header task list: `name` or `name(arg,arg)`; the grammar parseTaskList reads. */
export const taskEntry = /([a-z0-9-]+)(?:\(([^()]*)\))?(?:,|$)/y;

/** The names of a task list such as `wait-crds(a.example.com),copy-platform-ca`; undefined where it cannot be read. */
export function taskListNames(setting: string): { names: string[] } | { unreadable: string } {
  const names: string[] = [];
  const entry = new RegExp(taskEntry.source, 'y');
  let at = 0;
  while (at < setting.length) {
    entry.lastIndex = at;
    const m = entry.exec(setting);
    if (!m?.[1]) return { unreadable: setting.slice(at) };
    names.push(m[1]);
    at = entry.lastIndex;
  }
  return { names };
}
