// The deploy progress as a live view on a terminal: the runlevel in progress is redrawn in place
// (releases in flight with a spinner and elapsed time, tasks, the readiness wait); what is
// finished, failed or warned about is written once above it and stays. Plain lines (CI) and the
// JSON stream (-o json) remain logProgress().
import { type Logger, log, Mark, type MarkName, markColor } from '../shared/log.js';
import type { PlannedRelease } from './plan.js';
import { logProgress, type Progress } from './progress.js';
import type { ReleaseAction } from './record.js';

export interface LiveStream {
  write(s: string): boolean;
  columns?: number;
  rows?: number;
}

export interface LiveOptions {
  /** Milliseconds since the epoch; tests pass a fake clock. */
  now?: () => number;
  /** Redraw interval for spinners and elapsed times. */
  intervalMs?: number;
  /** The logger whose lines the view steps aside for (and whose masking and colours it uses). */
  logger?: Logger;
}

export type ClosableProgress = Progress & { close(): void };

/** The live view when stderr is a terminal and the log format is 'tty'; plain or JSON lines otherwise. */
export function deployProgress(): ClosableProgress {
  if (log.outputFormat === 'tty' && process.stderr.isTTY) return liveProgress(process.stderr);
  return { ...logProgress(), close: () => {} };
}

type LineMark = MarkName | 'spin';
interface Line {
  mark: LineMark;
  text: string;
  indent?: boolean;
}

interface InFlight {
  name: string;
  what: string;
  since: number;
}

interface RunlevelView {
  name: string;
  changes: number;
  total: number;
  since: number;
  settled: Map<string, ReleaseAction>;
  running: Map<string, InFlight>;
  tasks: Map<string, { line: Line; since?: number }>;
  waiting?: { objects: number; since: number };
}

const spinner = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
// The logger's colour per mark, plus the spinner's.
const liveColor = { ...markColor, spin: 'cyan' } as const;
const ESC = '\u001b[';

export function liveProgress(out: LiveStream, opts: LiveOptions = {}): ClosableProgress {
  const now = opts.now ?? Date.now;
  const intervalMs = opts.intervalMs ?? 100;
  const logger = opts.logger ?? log;
  let current: RunlevelView | undefined;
  const pruning = new Map<string, InFlight>();
  let height = 0; // lines of the frame now on screen, below which the cursor rests
  let lastFrame = '';
  let closed = false;

  const releaseKey = (p: PlannedRelease) => `${p.release.namespace}/${p.release.name}`;

  const render = (line: Line, width: number): string => {
    // Once closed, nothing spins any more: what was still in flight shows as waiting.
    const mark = line.mark === 'spin' && closed ? 'waiting' : line.mark;
    const char = mark === 'spin' ? spinner[Math.floor(now() / intervalMs) % spinner.length] : Mark[mark];
    const prefix = line.indent ? '  ' : '';
    const text = fit(logger.mask(line.text), width - prefix.length - 2);
    return `${prefix}${logger.paint(liveColor[mark], char ?? '')} ${text}`;
  };

  const frameLines = (): Line[] => {
    const lines: Line[] = [];
    if (current) {
      const rl = current;
      const failed = [...rl.settled.values()].filter((a) => a === 'failed' || a === 'rolled-back').length;
      const counts = [`${rl.settled.size}/${rl.total} releases`, `${rl.changes} to apply`];
      if (failed > 0) counts.push(`${failed} failed`);
      lines.push({
        mark: failed > 0 ? 'fail' : 'start',
        text: `${rl.name}  ${counts.join(' · ')}  ${since(rl.since)}`,
      });
      for (const t of rl.tasks.values()) {
        lines.push(t.since === undefined ? t.line : { ...t.line, text: `${t.line.text}  ${since(t.since)}` });
      }
      if (rl.waiting) {
        const text = `waiting for ${rl.waiting.objects} objects … ${since(rl.waiting.since)}`;
        lines.push({ mark: 'waiting', indent: true, text });
      }
      for (const r of rl.running.values()) {
        lines.push({ mark: 'spin', indent: true, text: `${r.name}  ${r.what}  ${since(r.since)}` });
      }
    }
    for (const r of pruning.values()) {
      lines.push({ mark: 'spin', text: `${r.name}  ${r.what}  ${since(r.since)}` });
    }
    return lines;
  };

  const since = (t: number) => elapsed((now() - t) / 1000);

  /** Writes lines that stay (above the frame), then the frame, in one write so nothing flickers. */
  const draw = (permanent: string[] = []) => {
    const width = Math.max(20, (out.columns || 80) - 1); // the last column would wrap on some terminals
    const maxLines = Math.max(1, (out.rows || 24) - 1); // cursor-up cannot reach lines scrolled away
    const frame = collapse(frameLines(), maxLines).map((l) => render(l, width));
    const text = frame.map((l) => `${l}\n`).join('');
    if (permanent.length === 0 && text === lastFrame) return;
    const stay = permanent.map((l) => `${logger.mask(l)}\n`).join('');
    out.write(`${clearSequence(height)}${stay}${text}`);
    height = frame.length;
    lastFrame = text;
  };

  const region = {
    clear() {
      if (height > 0) out.write(clearSequence(height));
      height = 0;
      lastFrame = '';
    },
    redraw: () => draw(),
  };
  logger.setLiveRegion(region);
  const timer = setInterval(() => draw(), intervalMs);
  timer.unref();

  const permanentLine = (mark: MarkName, text: string) =>
    `${logger.paint(liveColor[mark], Mark[mark])} ${text}`;
  const event = (permanent: string[] = []) => {
    if (!closed) draw(permanent);
  };

  return {
    runlevelStart(name, changes, total) {
      current = {
        name,
        changes,
        total,
        since: now(),
        settled: new Map(),
        running: new Map(),
        tasks: new Map(),
      };
      event();
    },
    runlevelDone(name, seconds) {
      const rl = current;
      current = undefined;
      const changed = rl && rl.changes > 0 ? ` (${rl.changes} applied)` : '';
      event([
        permanentLine(
          'done',
          `${name}  ${rl?.total ?? 0} release${rl?.total === 1 ? '' : 's'}${changed}  ${elapsed(seconds)}`,
        ),
      ]);
    },
    releaseStart(p) {
      if (current) current.waiting = undefined;
      current?.running.set(releaseKey(p), { name: p.release.name, what: p.action, since: now() });
      event();
    },
    release(p, action, seconds, error) {
      const key = releaseKey(p);
      if (current) {
        current.waiting = undefined;
        current.running.delete(key);
        current.settled.set(key, action);
      }
      const detail = `${p.release.name} ${action} (${elapsed(seconds)})${error ? `: ${error}` : ''}`;
      if (action === 'failed') event([permanentLine('fail', detail)]);
      else if (action === 'rolled-back' || action === 'skipped') event([permanentLine('warn', detail)]);
      else event();
    },
    waiting(_runlevel, objects) {
      if (current) current.waiting = { objects, since: now() };
      event();
    },
    task(name, phase, state, detail) {
      const key = `${phase}:${name}`;
      const text = `task ${name} (${phase})${detail ? `: ${detail}` : ''}`;
      if (current) {
        current.waiting = undefined;
        if (state === 'start')
          current.tasks.set(key, { line: { mark: 'spin', indent: true, text }, since: now() });
        else
          current.tasks.set(key, { line: { mark: state === 'done' ? 'done' : 'fail', indent: true, text } });
      }
      event(state === 'failed' ? [permanentLine('fail', text)] : []);
    },
    prune(name, namespace, state, detail) {
      const key = `${namespace}/${name}`;
      const started = pruning.get(key)?.since;
      pruning.delete(key);
      const took = started === undefined ? '' : ` (${since(started)})`;
      if (state === 'start') {
        pruning.set(key, { name, what: 'pruning', since: now() });
        event();
      } else if (state === 'done') event([permanentLine('done', `${name} pruned${took}`)]);
      else event([permanentLine('fail', `${name} prune failed${took}: ${detail ?? ''}`)]);
    },
    close() {
      if (closed) return;
      clearInterval(timer);
      // The last frame stays on screen as it is, spinners stopped: it shows where the deploy ended.
      closed = true;
      draw();
      lastFrame = '';
      height = 0;
      logger.setLiveRegion(undefined);
    },
  };
}

/** 4.2s, or 2m05s past a minute. */
export function elapsed(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  return `${m}m${String(Math.floor(seconds - m * 60)).padStart(2, '0')}s`;
}

/** At most `max` lines: the rest become one "… and N more". */
function collapse(lines: Line[], max: number): Line[] {
  if (lines.length <= max) return lines;
  if (max < 2) return lines.slice(0, max);
  const kept = lines.slice(0, max - 1);
  return [...kept, { mark: 'info', indent: true, text: `… and ${lines.length - kept.length} more` }];
}

/** Cuts a line to `width` characters (code points), marking the cut. */
function fit(text: string, width: number): string {
  const chars = Array.from(text);
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/** Moves to the frame's first line and erases from there down. */
function clearSequence(lines: number): string {
  return lines > 0 ? `\r${ESC}${lines}A${ESC}0J` : '';
}
