// Chart archives made in memory for unit tests, including ones no honest tool makes (paths that
// climb out, two top directories): ustar headers over gzip, as helm writes them.
import { gzipSync } from 'node:zlib';

/** A link entry: `helm package` never writes one (it follows links), an attacker may. */
export interface TarLink {
  symlink?: string;
  hardlink?: string;
}

function header(name: string, size: number, type: '0' | '1' | '2' | '5', link = ''): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write(link, 157, 100, 'utf8');
  h.write(type === '5' ? '0000755\0' : '0000644\0', 100);
  h.write('0000000\0', 108); // uid
  h.write('0000000\0', 116); // gid
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136); // mtime
  h.write('        ', 148); // checksum placeholder
  h.write(type, 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

/** A .tgz holding these files (path → content), in this order. */
export function tgz(files: Record<string, string | Buffer | TarLink>): Buffer {
  const parts: Buffer[] = [];
  for (const [path, content] of Object.entries(files)) {
    if (typeof content === 'object' && !Buffer.isBuffer(content)) {
      const hard = content.hardlink !== undefined;
      parts.push(header(path, 0, hard ? '1' : '2', (hard ? content.hardlink : content.symlink) ?? ''));
      continue;
    }
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    parts.push(header(path, data.length, '0'), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(parts));
}

/** The files of a small chart `name` with a sub-chart `cache` (unpacked), under `name/`. */
export function chartFiles(
  name: string,
  version: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    [`${name}/Chart.yaml`]: [
      'apiVersion: v2',
      `name: ${name}`,
      `version: ${version}`,
      `appVersion: "${version}"`,
      'dependencies:',
      '  - name: cache',
      '    version: 0.3.0',
      '    repository: https://charts.example.test/cache',
      '',
    ].join('\n'),
    [`${name}/values.yaml`]: 'replicaCount: 1\n',
    [`${name}/templates/deployment.yaml`]: 'kind: Deployment\n',
    [`${name}/charts/cache/Chart.yaml`]: 'apiVersion: v2\nname: cache\nversion: 0.3.0\n',
    [`${name}/charts/cache/templates/deployment.yaml`]: 'kind: Deployment\n',
    ...extra,
  };
}
