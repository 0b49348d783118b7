// The bundle index (runlevel-bundle.json) is read from a file anyone could have made: it is checked
// against this schema before any field is used, so a crafted index (null, no images, a null or
// malformed digest, a layout path out of the bundle) is refused by name, never a TypeError.
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import type { Problem } from '../shared/errors.js';
import { BundleFormat, CoreDir, IndexFile } from './format.js';

const digest = { type: 'string', pattern: '^sha256:[a-f0-9]{64}$' };
const size = { type: 'integer', minimum: 0, maximum: 2 ** 50 };
/** A reference as create writes it: no spaces, no control characters, bounded. */
const reference = { type: 'string', minLength: 1, maxLength: 512, pattern: '^[^\\s\\x00-\\x1f]+$' };

const schema = {
  type: 'object',
  required: ['format', 'created', 'cluster', 'coreVersion', 'images', 'total'],
  properties: {
    format: { const: BundleFormat },
    created: { type: 'string', maxLength: 64 },
    cluster: { type: 'string', maxLength: 253 },
    coreVersion: { type: 'string', maxLength: 128 },
    images: {
      type: 'array',
      maxItems: 10_000,
      items: {
        type: 'object',
        required: ['source', 'target', 'digest', 'mediaType', 'size', 'core', 'layout'],
        properties: {
          source: reference,
          // A path inside the mirror: never absolute, never climbing out of it.
          target: { ...reference, not: { pattern: '(^/|(^|/)\\.\\.(/|$))' } },
          digest,
          mediaType: { type: 'string', maxLength: 256 },
          size,
          core: { type: 'boolean' },
          // Joined to the unpacked bundle's directory: only the two layouts it holds.
          layout: { enum: ['.', CoreDir] },
        },
      },
    },
    total: size,
  },
} as const;

let compiled: ReturnType<Ajv2020['compile']> | undefined;

/** The index's problems (empty when it is one), each with its JSON path in the file. */
export function bundleIndexProblems(value: unknown): Problem[] {
  compiled ??= new Ajv2020({ allErrors: true, strict: true, verbose: true }).compile(schema);
  if (compiled(value)) return [];
  return (compiled.errors ?? []).slice(0, 20).map((e) => ({ path: pathOf(e), message: messageOf(e) }));
}

function pathOf(e: ErrorObject): string {
  const parts = e.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const dotted = parts.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('');
  return `${IndexFile}${dotted ? ` ${dotted.replace(/^\./, '')}` : ''}`;
}

function messageOf(e: ErrorObject): string {
  if (e.keyword === 'required') return `missing "${String(e.params.missingProperty)}"`;
  if (e.keyword === 'type') return `is ${describe(e.data)}, expected ${String(e.params.type)}`;
  if (e.keyword === 'pattern' && e.instancePath.endsWith('/digest'))
    return 'is not a digest (sha256:<64 hex>)';
  if (e.keyword === 'not') return 'climbs out of the mirror (an absolute path or ..)';
  if (e.keyword === 'enum') return `must be one of ${JSON.stringify(e.params.allowedValues)}`;
  return e.message ?? 'is invalid';
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'a map' : `${typeof v} ${JSON.stringify(v)?.slice(0, 40)}`;
}
