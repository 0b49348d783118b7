// The fast reader must agree with the full parser (full.ts: yaml + tree.ts) on every value and
// every origin, and must give up, never guess, on anything it does not fully understand.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFast } from '../../../../core/shared/yaml/fast.js';
import { readFull } from '../../../../core/shared/yaml/full.js';

/** What the full parser makes of `text`: undefined when it reports an error. */
function full(text: string, base: string[] = []) {
  const read = readFull(text, 'f.yaml', 'common', base);
  return 'tree' in read ? read.tree : undefined;
}

function agrees(text: string, base: string[] = []): 'read' | 'gave up' {
  const fast = readFast(text, 'f.yaml', 'common', base);
  if (fast === undefined) return 'gave up';
  const want = full(text, base);
  assert.ok(want, `the fast reader accepted what yaml rejects:\n${text}`);
  assert.equal(fast.value, want.value, text);
  assert.equal([...fast.origins], [...want.origins], text);
  return 'read';
}

const accepted = [
  '',
  '# only a comment\n',
  'a: 1\n',
  'a:\nb: 2\n',
  'a:   \nb:  # note\nc: ~\n',
  '# head\n\ncluster:\n  domain: dev.example.com   # trailing\n  kubernetesVersion: "1.35"\n',
  'members:\n  - name: lead@example.com\n    role: admin\n  -   name: dev@example.com\n      role: edit\n',
  'apps:\n- web\n- api\nnext: true\n',
  'a:\n  - - x\n    - y\n  - z\n',
  'a:\n  -\n    b: 1\n',
  'quota: {cpu: "4", memory: 8Gi, pods: 50}\n',
  "x: [a, {b: c, d: [1, 2.5, -3]}, \"q\", 'it''s']\nempty: [ ]\nnone: {}\n",
  'n: [1, 0o17, 0x1F, +5, -0, 007, 1e3, .5, 1., .inf, -.Inf, .nan, 1_000, 0b11]\nt: 12:30\n',
  'b: [true, True, TRUE, false, False, FALSE, yes, no, on, off, tRUE]\n',
  'z: [null, Null, NULL, ~, nul]\n',
  'image: docker.io/library/nginx:1.27.3\nurl: http://x.example.com/a#frag\nemail: a@b\n',
  'key with spaces: v\n"quoted key": 1\n\'single\': 2\n__proto__: {a: 1}\nb: c:d\n',
  'a: "with # hash"\nb: \'x\'  # c\nc: plain with spaces   \nd: "1.0"\n',
  'a: ünïcode ✓\nb: "日本"\n',
  'deep:\n  a:\n    b:\n      c:\n        - d: 1\n          e: [x]\n',
  'a: 1\n\n\n   # indented comment\nb: 2',
  'a: x, y\nb: -5\nc: -x\n',
  'l:\n  - 1\n  # between\n  - 2\n',
];

test('agrees with yaml on the plain YAML values files are made of', () => {
  for (const text of accepted) assert.is(agrees(text), 'read', text);
  assert.is(agrees('replicas: 2\n', ['apps', 'web']), 'read');
});

const refused = [
  'a: &x 1\nb: *x\n',
  'a: !!str 1\n',
  'a: |\n  text\n',
  'a: >\n  text\n',
  'a: multi\n  line\n',
  'a: "multi\n  line"\n',
  'a: "esc\\"aped"\n',
  'a: 1\na: 2\n',
  'a: {x: 1, x: 2}\n',
  '---\na: 1\n',
  'a: 1\n...\n',
  '%YAML 1.2\n---\na: 1\n',
  'a:\n\tb: 1\n',
  'a: 1\r\nb: 2\r\n',
  '- a\n- b\n',
  'just a scalar\n',
  '  a: 1\n',
  'a:\n  b: 1\n c: 2\n',
  'a:\n  b: 1\n    c: 2\n',
  'a: [1,\n  2]\n',
  'a: [1, 2,]\n',
  'a: [1, , 2]\n',
  'a: {b}\n',
  'a: {b: }\n',
  'a: [x: y]\n',
  'a: b: c\n',
  'a: "x"y\n',
  'a: "x"#c\n',
  '? complex\n: key\n',
  '1: number key\n',
  '~: null key\n',
  'a:\n  -\n  - x\n',
  'a:\n  value on next line\n',
  'a: [http://x]\n',
  'a: x]\n',
  'a:b\n',
  'a: @x\n',
  'd: ?x\n',
];

test('gives up on everything outside the subset, so yaml decides (and reports errors)', () => {
  for (const text of refused) assert.is(agrees(text), 'gave up', text);
});

/** Random documents in the styles people write, checked against yaml (deterministic seed). */
test('agrees with yaml on generated documents', () => {
  let seed = 42;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const scalars = [
    'a',
    'web-1',
    '"1.27"',
    "'x y'",
    '1',
    '-2',
    '3.5',
    'true',
    'no',
    '~',
    'null',
    '0x1f',
    '8Gi',
    'a b c',
    'x:y',
    '"#"',
    "''",
    '""',
    '.5',
    '1e3',
    '1.',
    'Ünï',
  ];
  const keys = ['a', 'b', 'cpu', 'memory', 'with space', '"q k"', 'x.y/z', 'k-8'];
  const pick = <T>(xs: T[]) => xs[rnd(xs.length)] as T;
  const flow = (depth: number): string => {
    const r = rnd(depth > 1 ? 2 : 4);
    if (r === 2) return `[${Array.from({ length: rnd(3) }, () => flow(depth + 1)).join(', ')}]`;
    if (r === 3) {
      const ks = [...new Set(Array.from({ length: rnd(3) }, () => pick(keys)))];
      return `{${ks.map((k) => `${k}: ${flow(depth + 1)}`).join(', ')}}`;
    }
    return pick(scalars);
  };
  const block = (indent: number, depth: number, out: string[], compact: string | undefined) => {
    const pad = ' '.repeat(indent);
    const ks = [...new Set(Array.from({ length: 1 + rnd(3) }, () => pick(keys)))];
    ks.forEach((k, n) => {
      const lead = n === 0 && compact !== undefined ? compact : pad;
      if (rnd(5) === 0) out.push(`${pad}# comment`);
      const r = depth > 2 ? rnd(3) : rnd(6);
      if (r <= 1) out.push(`${lead}${k}: ${pick(scalars)}${rnd(4) === 0 ? '  # c' : ''}`);
      else if (r === 2) out.push(`${lead}${k}: ${flow(0)}`);
      else if (r === 3) {
        out.push(`${lead}${k}:`);
        block(indent + 2, depth + 1, out, undefined);
      } else {
        out.push(`${lead}${k}:`);
        const seqPad = rnd(2) === 0 ? pad : `${pad}  `;
        for (let j = 0; j <= rnd(3); j++) {
          if (rnd(2) === 0) out.push(`${seqPad}- ${pick(scalars)}`);
          else block(seqPad.length + 2, depth + 1, out, `${seqPad}- `);
        }
      }
    });
  };
  let read = 0;
  for (let n = 0; n < 3000; n++) {
    const out: string[] = [];
    block(0, 0, out, undefined);
    if (agrees(`${out.join('\n')}\n`) === 'read') read++;
  }
  assert.ok(read > 2000, `the fast reader read only ${read} of 3000 generated documents`);
});

test('gives up (never overflows the stack) on nesting past maxDepth; yaml then refuses it at its place', () => {
  for (const n of [101, 150, 20_000]) {
    const flow = `a: ${'['.repeat(n)}${']'.repeat(n)}\n`;
    const block = Array.from({ length: Math.min(n, 300) }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
    for (const text of [flow, block]) {
      assert.equal(readFast(text, 'f.yaml', 'common', []), undefined);
      const full = readFull(text, 'f.yaml', 'common', []);
      assert.ok('errors' in full, `yaml accepted ${n} levels`);
      assert.match(full.errors[0]?.message ?? '', /nested (deeper than 100 levels|too deeply to read)/);
    }
  }
  assert.is.not(readFast(`a: ${'['.repeat(99)}${']'.repeat(99)}\n`, 'f.yaml', 'common', []), undefined);
});

test('gives up on control characters, which yaml then refuses in values', () => {
  for (const text of ['a: "x\u0000"\n', 'a: x\u0007y\n', 'a: "x\\0"\n']) {
    assert.equal(readFast(text, 'f.yaml', 'common', []), undefined);
    const full = readFull(text, 'f.yaml', 'common', []);
    assert.ok('errors' in full && /control character/.test(full.errors[0]?.message ?? ''), text);
  }
});

test.run();
