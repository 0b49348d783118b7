// Bundle progress on stderr: on a terminal a live frame (a total bar, one bar per image in
// flight) redrawn in place, finished images written once above it; in CI and logs one plain line
// per image started and done. Bytes are the images' sizes from their manifests.
import { log } from '../shared/log.js';

export interface ByteProgress {
  /** An image starts: its name and the bytes it should take. */
  start(name: string, bytes: number): void;
  /** Bytes of that image done so far (absolute, not a delta). */
  update(name: string, done: number): void;
  /** The image is done: its line that stays. */
  finish(name: string, line: string): void;
  close(): void;
}

interface Bar {
  bytes: number;
  done: number;
}

const ESC = '\u001b[';
const width = 24;

export function byteProgress(verb: string, totalBytes: number, count: number): ByteProgress {
  if (log.outputFormat === 'tty' && process.stderr.isTTY) return liveBars(verb, totalBytes, count);
  return plainLines(verb);
}

function plainLines(verb: string): ByteProgress {
  return {
    start: (name, bytes) => log.start(`${verb} ${name} (${formatBytes(bytes)})`),
    update: () => {},
    finish: (_name, line) => log.done(line),
    close: () => {},
  };
}

function liveBars(verb: string, totalBytes: number, count: number): ByteProgress {
  const out = process.stderr;
  const inFlight = new Map<string, Bar>();
  let finished = 0;
  let finishedBytes = 0;
  let height = 0;
  const frame = (): string[] => {
    const doneBytes =
      finishedBytes + [...inFlight.values()].reduce((n, b) => n + Math.min(b.done, b.bytes), 0);
    const cols = Math.max(40, (out.columns || 80) - 1);
    const lines = [
      `${bar(doneBytes, totalBytes)} ${verb} ${finished}/${count} images  ${formatBytes(doneBytes)} of ${formatBytes(totalBytes)}`,
    ];
    for (const [name, b] of inFlight) {
      lines.push(`  ${bar(b.done, b.bytes)} ${formatBytes(Math.min(b.done, b.bytes)).padStart(9)}  ${name}`);
    }
    return lines.map((l) => (l.length > cols ? `${l.slice(0, cols - 1)}…` : l));
  };
  const clear = () => {
    if (height > 0) out.write(`\r${ESC}${height}A${ESC}0J`);
    height = 0;
  };
  const draw = () => {
    const lines = frame();
    clear();
    out.write(lines.map((l) => `${l}\n`).join(''));
    height = lines.length;
  };
  log.setLiveRegion({ clear, redraw: draw });
  const timer = setInterval(draw, 200);
  timer.unref();
  return {
    start(name, bytes) {
      inFlight.set(name, { bytes, done: 0 });
      draw();
    },
    update(name, done) {
      const b = inFlight.get(name);
      if (b) b.done = done;
    },
    finish(name, line) {
      finishedBytes += inFlight.get(name)?.bytes ?? 0;
      inFlight.delete(name);
      finished++;
      log.done(line);
    },
    close() {
      clearInterval(timer);
      clear();
      log.setLiveRegion(undefined);
    },
  };
}

function bar(done: number, total: number): string {
  const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : width;
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
}

export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
