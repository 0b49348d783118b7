// The secret-leak scan of the proof tests: marker values put in a sops file, looked for in every
// output and every file in any form they can take. Written apart from core/shared/mask.ts on
// purpose: it finds a form by decoding what it sees, not by the forms the mask knows.
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Markers unlike anything else in a render; the strings hold ", \ and ' to test the escaped forms. */
export function secretMarkers(): { password: string; pull: string; token: string; pin: number } {
  const id = Math.random().toString(36).slice(2, 10);
  return {
    password: `adm-"Q\\z-${id}`,
    pull: `pull-Pw-${id}`,
    token: `tok'en-${id}`,
    pin: 70000000 + Math.floor(Math.random() * 9999999),
  };
}

const base64Token = /[A-Za-z0-9+/_-]{8,}={0,2}/g;

/** The forms of a marker that can be read in text without decoding. */
function textForms(marker: string): string[] {
  const json = JSON.stringify(marker).slice(1, -1);
  const forms = [marker, json, JSON.stringify(json).slice(1, -1), marker.replaceAll("'", "''")];
  forms.push(encodeURIComponent(marker));
  if (/^\d{7,}$/.test(marker)) {
    // helm's float64 print of a number: 73926481 → 7.3926481e+07
    const mantissa = marker.replace(/0+$/, '');
    forms.push(
      `${mantissa[0]}${mantissa.length > 1 ? `.${mantissa.slice(1)}` : ''}e+${String(marker.length - 1).padStart(2, '0')}`,
    );
  }
  return forms;
}

/** Where a marker shows in `text`: plainly, escaped, or inside base64 (nested, at any alignment). */
export function leaks(text: string, markers: readonly (string | number)[], depth = 0): string[] {
  const found: string[] = [];
  for (const m of markers) {
    for (const form of textForms(String(m))) {
      if (text.includes(form)) found.push(`${depth > 0 ? 'in base64: ' : ''}${JSON.stringify(form)}`);
    }
  }
  if (depth >= 3) return found;
  for (const token of text.match(base64Token) ?? []) {
    // The token may start mid-group when base64 is glued to other text: try each offset.
    for (let k = 0; k < 4; k++) {
      const decoded = Buffer.from(token.slice(k), 'base64').toString('latin1');
      if (decoded.length < 4) continue;
      const utf8 = Buffer.from(decoded, 'latin1').toString('utf8');
      const inner = leaks(utf8, markers, depth + 1);
      if (inner.length > 0) {
        found.push(...inner.map((x) => `${x} (token ${token.slice(0, 24)}…)`));
        break;
      }
    }
  }
  return found;
}

/** Every regular file under dir (symlinks not followed), but for the paths in `except`. */
export function filesUnder(dir: string, except: readonly string[] = []): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (except.includes(p)) continue;
    const st = lstatSync(p, { throwIfNoEntry: false });
    if (st?.isDirectory()) out.push(...filesUnder(p, except));
    else if (st?.isFile()) out.push(p);
  }
  return out;
}

/** Files under dir holding a marker in any form, each with what was found. */
export function leakingFiles(
  dir: string,
  markers: readonly (string | number)[],
  except: readonly string[] = [],
): string[] {
  return filesUnder(dir, except).flatMap((f) => {
    const found = leaks(readFileSync(f).toString('latin1'), markers).concat(
      leaks(readFileSync(f, 'utf8'), markers),
    );
    return found.length > 0 ? [`${f}: ${[...new Set(found)].join(', ')}`] : [];
  });
}
