// Runs a command without root's power to read any file, so a test can make a file unreadable with
// no second user. Root without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH obeys file modes like
// anyone, yet still owns, and so reaches, every directory of its own clone and temp dirs: nothing
// has to be copied or opened up, wherever the checkout is cloned (a 0700 home, a `mktemp -d`).
// Another user (uid 65534) could not even reach bin/runlevel through a 0700 parent (issue 25).
// Any other user: file modes already apply to it, so nothing is dropped.

const dropped = '-dac_override,-dac_read_search';

/** The argv to put in front of a command; setpriv is util-linux's (Debian: always installed). */
export function unprivilegedPrefix(): string[] {
  if (process.getuid?.() !== 0) return [];
  // The bounding set limits what the exec'd program may hold; the inheritable set what it may pass on.
  return ['setpriv', '--bounding-set', dropped, '--inh-caps', dropped, '--'];
}

/**
 * The argv that runs a command as a user who is not root (the image tier's user of the README's
 * docker line). That user reaches nothing of the checkout: the caller gives it only directories it
 * made itself outside the clone, so this works from a 0700 clone too.
 */
export function otherUserPrefix(uid: number, gid: number, groups: readonly number[]): string[] {
  return ['setpriv', '--reuid', String(uid), '--regid', String(gid), '--groups', groups.join(','), '--'];
}
