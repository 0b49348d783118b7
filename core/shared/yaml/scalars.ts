// Plain scalars for the fast reader (fast.ts): which ones it may take as they stand, and how
// yaml's core schema resolves them. The regular expressions are the core schema's own.
import type { Value } from './value.js';

/**
 * A plain scalar the reader can take as it stands: not empty, no indicator in front, and nothing
 * that would make yaml read it as something else (a key, a comment, flow punctuation).
 */
export function plainSafe(s: string, flow: boolean): boolean {
  // '-' starts a plain scalar when a non-space follows (-5, -x); the rest are always indicators.
  if (s === '' || /^([?:,[\]{}#&*!|>'"%@`]|-( |$))/.test(s)) return false;
  if (s.includes(': ') || s.endsWith(':') || s.includes(' #')) return false;
  return !(flow ? /[[\]{},:#"']/ : /[[\]{}]/).test(s);
}

/** Plain scalars as yaml's core schema resolves them (null, bool, int, float, else string). */
export function resolvePlain(s: string): Value {
  if (/^(?:~|[Nn]ull|NULL)?$/.test(s)) return null;
  if (/^(?:[Tt]rue|TRUE)$/.test(s)) return true;
  if (/^(?:[Ff]alse|FALSE)$/.test(s)) return false;
  if (/^0o[0-7]+$/.test(s)) return Number.parseInt(s.slice(2), 8);
  if (/^[-+]?[0-9]+$/.test(s)) return Number.parseInt(s, 10);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return Number.parseInt(s.slice(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s))
    return s.slice(-3).toLowerCase() === 'nan'
      ? Number.NaN
      : s[0] === '-'
        ? Number.NEGATIVE_INFINITY
        : Number.POSITIVE_INFINITY;
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s)) return Number.parseFloat(s);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return Number.parseFloat(s);
  return s;
}
