// Every form a secret value can take in our output, masked in one place. A secret is known by its
// value (the leaves of *.sops.yaml files, the values of the schema's secret fields, the deployed
// values they replace, tokens tasks create), never by the name of the key that holds it: a key
// name says nothing about where a chart copies the value to.
//
// Forms: the value itself; JSON- (once and twice) and YAML-escaped; URL-encoded; each line of a
// multi-line value; a whole number as helm prints a float (12345678 → 1.2345678e+07); and base64,
// found two ways: a base64 token that decodes to text holding a secret (recursively, so the
// `auth` inside a `.dockerconfigjson` is found too), and the run of base64 characters a secret
// turns into at any of the three byte alignments (base64 glued to other text, or inside a blob).

export const MASK = '***';

/** Shorter values would mask ordinary words (ports, flags, "true") all over the output. */
export const minSecretLength = 4;

const base64Token = /[A-Za-z0-9+/_-]{6,}={0,2}/g;
const base64Char = /[A-Za-z0-9+/_=-]/;
const maxNesting = 3;

export class SecretMask {
  private readonly secrets = new Set<string>();
  private exact: RegExp | undefined; // the plain and escaped forms, longest first
  private exactAll: RegExp | undefined;
  private fragmentsAll: RegExp | undefined; // base64 runs at the three alignments

  /** Register a value; false when it is too short to be masked without masking ordinary text. */
  add(secret: string): boolean {
    if (secret.length < minSecretLength) return false;
    if (this.secrets.has(secret)) return true;
    this.secrets.add(secret);
    const all = [...this.secrets];
    this.exact = alternation(all.flatMap(textForms), '');
    this.exactAll = alternation(all.flatMap(textForms), 'g');
    this.fragmentsAll = alternation(all.flatMap(base64Fragments), 'g');
    return true;
  }

  get size(): number {
    return this.secrets.size;
  }

  /** Does this text hold a registered secret in any form? */
  reveals(text: string): boolean {
    return this.mask(text) !== text;
  }

  mask(text: string): string {
    if (!this.exact) return text;
    return this.maskForms(this.maskTokens(text, 0));
  }

  /** Base64 tokens that decode to text holding a secret are masked whole. */
  private maskTokens(text: string, depth: number): string {
    return text.replace(base64Token, (token) => (this.decodesToSecret(token, depth) ? MASK : token));
  }

  private decodesToSecret(token: string, depth: number): boolean {
    const bytes = Buffer.from(token, 'base64'); // accepts the URL-safe alphabet too
    if (bytes.length < minSecretLength) return false;
    const decoded = bytes.toString('utf8');
    if (this.exact?.test(decoded)) return true;
    return depth < maxNesting && this.maskTokens(decoded, depth + 1) !== decoded;
  }

  private maskForms(text: string): string {
    const exact = this.exactAll ? text.replace(this.exactAll, MASK) : text;
    return this.fragmentsAll ? maskRuns(exact, this.fragmentsAll) : exact;
  }
}

/** A secret as text: itself, escaped the ways JSON, YAML and URLs escape it, line by line. */
export function textForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const forms = [
    secret,
    json,
    JSON.stringify(json).slice(1, -1), // a JSON document held in a JSON string
    secret.replaceAll("'", "''"), // YAML single-quoted
    encodeURIComponent(secret),
    ...goFloatForms(secret),
  ];
  // A multi-line value (a key, a certificate) is printed one indented line at a time in YAML.
  if (secret.includes('\n')) {
    forms.push(
      ...secret
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.length >= 8),
    );
  }
  return unique(forms.filter((f) => f.length >= minSecretLength));
}

/** helm reads every number of its values as a float64: `{{ .Values.x }}` prints 12345678 as 1.2345678e+07. */
function goFloatForms(secret: string): string[] {
  const m = /^(-?)(\d+)$/.exec(secret);
  if (!m || (m[2] as string).length < 7) return [];
  const digits = (m[2] as string).replace(/^0+/, '');
  if (digits.length < 7) return [];
  const mantissa = digits.replace(/0+$/, '');
  const exponent = String(digits.length - 1).padStart(2, '0');
  const fraction = mantissa.length > 1 ? `.${mantissa.slice(1)}` : '';
  return [`${m[1]}${mantissa[0]}${fraction}e+${exponent}`];
}

/**
 * The base64 characters that depend on the secret alone, at each of the three byte offsets it can
 * start at inside longer data, in the standard and the URL-safe alphabet.
 */
export function base64Fragments(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  if (bytes.length < 6) return []; // shorter runs (< 8 characters) turn up by chance in blobs
  const out: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const first = Math.ceil((8 * offset) / 6);
    const end = Math.floor((8 * (offset + bytes.length)) / 6);
    const run = encoded.slice(first, end);
    out.push(run, run.replaceAll('+', '-').replaceAll('/', '_'));
  }
  return unique(out);
}

/** Each match, widened to the whole run of base64 characters around it, becomes one mask. */
function maskRuns(text: string, pattern: RegExp): string {
  const ranges: [number, number][] = [];
  for (const m of text.matchAll(pattern)) {
    let start = m.index;
    let end = start + m[0].length;
    while (start > 0 && base64Char.test(text[start - 1] as string)) start--;
    while (end < text.length && base64Char.test(text[end] as string)) end++;
    const last = ranges[ranges.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else ranges.push([start, end]);
  }
  if (ranges.length === 0) return text;
  let out = '';
  let at = 0;
  for (const [start, end] of ranges) {
    out += `${text.slice(at, start)}${MASK}`;
    at = end;
  }
  return out + text.slice(at);
}

function alternation(forms: string[], flags: string): RegExp | undefined {
  if (forms.length === 0) return undefined;
  const sorted = unique(forms).sort((a, b) => b.length - a.length);
  return new RegExp(sorted.map((f) => f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'), flags);
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}
