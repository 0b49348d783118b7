// A how-to document as a test script: the files of its code blocks marked `file=…` and its
// `runlevel …` command lines, so a test that follows the document runs exactly what it says.
import { readFileSync } from 'node:fs';
import * as assert from 'uvu/assert';

export interface DocSteps {
  /** Code blocks opened with ```lang file=<path>, by path. */
  files: Map<string, string>;
  /** Every line of its ```sh blocks. */
  commands: string[];
  /** The runlevel argv of a command line the document shows; fails the test when it does not. */
  runlevel(line: string): string[];
}

export function readDocSteps(path: string): DocSteps {
  const text = readFileSync(path, 'utf8');
  const files = new Map<string, string>();
  const commands: string[] = [];
  for (const m of text.matchAll(/^```(\w+)(?: file=(\S+))?\n([\s\S]*?)^```$/gm)) {
    const [, lang, file, body = ''] = m;
    if (file) files.set(file, body);
    if (lang === 'sh') commands.push(...body.split('\n').filter((l) => l.trim() !== ''));
  }
  return {
    files,
    commands,
    runlevel(line) {
      assert.ok(commands.includes(line), `${path} shows the command: ${line}`);
      const argv = line.split(/\s+/);
      assert.is(argv[0], 'runlevel');
      return argv.slice(1);
    },
  };
}

/** A file block of the document; fails the test when it has none. */
export function docFile(steps: DocSteps, path: string): string {
  const body = steps.files.get(path);
  assert.ok(body !== undefined, `the document has a file=${path} block`);
  return body ?? '';
}

/** The runlevel argv of the Dockerfile's `RUN ["/opt/runlevel/bin/runlevel", …]` line. */
export function dockerfileRun(dockerfile: string): string[] {
  const line = dockerfile.split('\n').find((l) => l.startsWith('RUN ['));
  assert.ok(line, 'the Dockerfile has a RUN line in exec form');
  const argv = JSON.parse((line ?? '').slice(4)) as string[];
  assert.is(argv[0], '/opt/runlevel/bin/runlevel');
  return argv.slice(1);
}

/**
 * The ```sh blocks of one section of a document (from its heading to the next heading of the same
 * or a higher level, outside code blocks), each whole: a line continued with `\` stays one
 * command for `bash -c`.
 */
export function sectionShellBlocks(path: string, heading: string): string[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const level = /^#+/.exec(heading)?.[0].length ?? 2;
  const start = lines.indexOf(heading);
  assert.ok(start >= 0, `${path} has the section "${heading}"`);
  const blocks: string[] = [];
  let block: string[] | undefined;
  let other = false; // inside a code block of another language
  for (const line of lines.slice(start + 1)) {
    if (other) other = line !== '```';
    else if (block) {
      if (line === '```') {
        blocks.push(block.join('\n').trim());
        block = undefined;
      } else block.push(line);
    } else if (line === '```sh') block = [];
    else if (line.startsWith('```')) other = true;
    else if (new RegExp(`^#{1,${level}} `).test(line)) break;
  }
  return blocks;
}
