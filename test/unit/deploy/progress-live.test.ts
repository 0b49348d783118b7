import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PlannedRelease } from '../../../core/deploy/plan.js';
import { liveProgress } from '../../../core/deploy/progress-live.js';
import { Logger } from '../../../core/shared/log.js';

/**
 * A tiny terminal: applies what the view writes (text, \r, \n, cursor-up, erase-below,
 * erase-line, colours ignored) to a grid of lines, so tests assert on what a person would see.
 */
class Terminal {
  writes: string[] = [];
  private lines: string[] = [''];
  private row = 0;
  private col = 0;
  constructor(
    readonly columns = 80,
    readonly rows = 40,
  ) {}

  write(s: string): boolean {
    this.writes.push(s);
    for (let i = 0; i < s.length; i++) {
      const ch = s[i] as string;
      if (ch === '\u001b' && s[i + 1] === '[') {
        const m = /^\[([0-9;?]*)([A-Za-z])/.exec(s.slice(i + 1));
        if (!m) throw new Error(`unknown escape at ${JSON.stringify(s.slice(i, i + 8))}`);
        this.escape(m[2] as string, Number(m[1] || '0'));
        i += m[0].length;
      } else if (ch === '\r') this.col = 0;
      else if (ch === '\n') {
        this.row++;
        this.col = 0;
        while (this.lines.length <= this.row) this.lines.push('');
      } else {
        const line = (this.lines[this.row] as string).padEnd(this.col);
        this.lines[this.row] = line.slice(0, this.col) + ch + line.slice(this.col + 1);
        this.col++;
      }
    }
    return true;
  }

  private escape(cmd: string, n: number) {
    if (cmd === 'A') this.row = Math.max(0, this.row - Math.max(1, n));
    else if (cmd === 'J' && n === 0) {
      this.lines = this.lines.slice(0, this.row + 1);
      this.lines[this.row] = (this.lines[this.row] as string).slice(0, this.col);
    } else if (cmd === 'K' && n === 2) this.lines[this.row] = '';
    else if (cmd !== 'm') throw new Error(`unexpected escape ${n}${cmd}`);
  }

  /** The screen, spinner frames shown as `*` so assertions do not depend on the frame index. */
  screen(): string[] {
    const lines = this.lines.map((l) => l.replace(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/g, '*').trimEnd());
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines;
  }
}

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (seconds: number) => (t += seconds * 1000) };
}

/** The view reads only a release's name and namespace; the rest of the plan is not its business. */
function planned(
  name: string,
  runlevel = '60-teams',
  action: 'install' | 'upgrade' = 'upgrade',
): PlannedRelease {
  const release = { runlevel, name, namespace: `team-${name}` } as PlannedRelease['release'];
  return { release, digest: 'd', action, state: 'OutOfSync', reason: 'values changed', previousRevision: 1 };
}

// A long interval: only events redraw, unless a test wants the timer.
const quiet = { intervalMs: 3_600_000 };

test('releases in flight show a spinner and elapsed seconds taken from the clock', () => {
  const term = new Terminal();
  const c = clock();
  const p = liveProgress(term, { ...quiet, now: c.now, logger: new Logger('tty') });
  p.runlevelStart('60-teams', 2, 3);
  p.release(planned('c-web'), 'unchanged', 0);
  p.releaseStart(planned('a-web'));
  c.advance(2.5);
  p.releaseStart(planned('b-web', '60-teams', 'install'));
  c.advance(0.5);
  p.waiting('60-teams', 0); // any event redraws
  assert.equal(term.screen(), [
    '► 60-teams  1/3 releases · 2 to apply  3.0s',
    '  ◎ waiting for 0 objects … 0.0s',
    '  * a-web  upgrade  3.0s',
    '  * b-web  install  0.5s',
  ]);
  p.close();
});

test('a finished runlevel collapses to one line and its releases leave the screen', () => {
  const term = new Terminal();
  const c = clock();
  const p = liveProgress(term, { ...quiet, now: c.now, logger: new Logger('tty') });
  p.runlevelStart('00-init', 1, 2);
  p.release(planned('crds', '00-init'), 'unchanged', 0);
  p.releaseStart(planned('namespaces', '00-init'));
  c.advance(1.2);
  p.release(planned('namespaces', '00-init'), 'upgraded', 1.2);
  p.waiting('00-init', 4);
  c.advance(3.1);
  p.task('wait-crds', 'after', 'start');
  assert.ok(term.screen().includes('  * task wait-crds (after)  0.0s'), term.screen().join('\n'));
  p.task('wait-crds', 'after', 'done', 'no changes');
  p.runlevelDone('00-init', 4.3);
  p.runlevelStart('60-teams', 1, 50);
  p.releaseStart(planned('a-web'));
  c.advance(0.4);
  p.close();
  assert.equal(term.screen(), [
    '✔ 00-init  2 releases (1 applied)  4.3s',
    '► 60-teams  0/50 releases · 1 to apply  0.4s',
    '  ◎ a-web  upgrade  0.4s',
  ]);
});

test('waiting for readiness shows the object count and how long it has waited', () => {
  const term = new Terminal();
  const c = clock();
  const p = liveProgress(term, { ...quiet, now: c.now, logger: new Logger('tty') });
  p.runlevelStart('20-ingress', 1, 1);
  p.release(planned('ingress', '20-ingress'), 'installed', 2);
  p.waiting('20-ingress', 7);
  c.advance(3.1);
  p.task('noop', 'after', 'start'); // an event; the wait line goes once the gate passed
  assert.not.ok(term.screen().some((l) => l.includes('waiting')));
  p.close();
  const again = new Terminal();
  const q = liveProgress(again, { ...quiet, now: c.now, logger: new Logger('tty') });
  q.runlevelStart('20-ingress', 1, 1);
  q.waiting('20-ingress', 7);
  c.advance(3.1);
  q.close();
  assert.ok(again.screen().includes('  ◎ waiting for 7 objects … 3.1s'), again.screen().join('\n'));
});

test('the timer redraws elapsed times without any event', async () => {
  const term = new Terminal();
  const c = clock();
  const p = liveProgress(term, { intervalMs: 5, now: c.now, logger: new Logger('tty') });
  p.runlevelStart('90-apps', 1, 1);
  p.releaseStart(planned('web', '90-apps'));
  c.advance(7);
  await new Promise((r) => setTimeout(r, 40));
  assert.equal(term.screen()[1], '  * web  upgrade  7.0s');
  p.close();
  const writes = term.writes.length;
  c.advance(1);
  await new Promise((r) => setTimeout(r, 30));
  p.releaseStart(planned('late', '90-apps'));
  assert.is(term.writes.length, writes, 'nothing is drawn after close()');
});

test('a frame taller than the terminal collapses to "… and N more"; lines fit the width', () => {
  const term = new Terminal(40, 6);
  const c = clock();
  const p = liveProgress(term, { ...quiet, now: c.now, logger: new Logger('tty') });
  p.runlevelStart('60-teams', 10, 10);
  for (let i = 0; i < 9; i++) p.releaseStart(planned(`team-${i}-web`));
  p.releaseStart(planned('a-release-name-far-too-long-for-forty-columns'));
  const screen = term.screen();
  // header + 10 releases = 11 lines; 5 fit (rows - 1): 4 of them and the summary line
  assert.equal(screen, [
    '► 60-teams  0/10 releases · 10 to appl…',
    '  * team-0-web  upgrade  0.0s',
    '  * team-1-web  upgrade  0.0s',
    '  * team-2-web  upgrade  0.0s',
    '  • … and 7 more',
  ]);
  for (let i = 0; i < 8; i++) p.release(planned(`team-${i}-web`), 'upgraded', 1);
  const after = term.screen();
  assert.is(after.length, 3);
  assert.ok((after[2] as string).endsWith('…'), after[2]);
  assert.ok(after.every((l) => Array.from(l).length <= 39));
  p.close();
});

test("a failed release's error and its rollback stay on screen after close()", () => {
  const term = new Terminal();
  const c = clock();
  const logger = new Logger('tty');
  logger.redact('hunter22');
  const p = liveProgress(term, { ...quiet, now: c.now, logger });
  p.runlevelStart('60-teams', 2, 2);
  p.releaseStart(planned('a-web'));
  p.releaseStart(planned('b-web'));
  c.advance(1.2);
  p.release(planned('a-web'), 'failed', 1.2, 'UPGRADE FAILED: password hunter22 rejected');
  c.advance(0.3);
  p.release(planned('b-web'), 'upgraded', 1.5);
  p.release(planned('a-web'), 'rolled-back', 1.2, 'UPGRADE FAILED: password hunter22 rejected');
  p.close();
  assert.equal(term.screen(), [
    '✗ a-web failed (1.2s): UPGRADE FAILED: password *** rejected',
    '⚠ a-web rolled-back (1.2s): UPGRADE FAILED: password *** rejected',
    '✗ 60-teams  2/2 releases · 2 to apply · 1 failed  1.5s',
  ]);
});

test('tasks and pruning show as lines; a failed task stays', () => {
  const term = new Terminal();
  const c = clock();
  const p = liveProgress(term, { ...quiet, now: c.now, logger: new Logger('tty') });
  p.runlevelStart('60-teams', 1, 1);
  p.task('copy-ca', 'before', 'start');
  c.advance(0.6);
  p.task('copy-ca', 'before', 'done', 'team-a');
  p.task('label-ns', 'before', 'start');
  c.advance(2);
  p.task('label-ns', 'before', 'failed', 'forbidden');
  assert.equal(term.screen(), [
    '✗ task label-ns (before): forbidden',
    '► 60-teams  0/1 releases · 1 to apply  2.6s',
    '  ✔ task copy-ca (before): team-a',
    '  ✗ task label-ns (before): forbidden',
  ]);
  p.close();

  const pruneTerm = new Terminal();
  const q = liveProgress(pruneTerm, { ...quiet, now: c.now, logger: new Logger('tty') });
  q.prune('old-web', 'team-old', 'start');
  assert.equal(pruneTerm.screen(), ['* old-web  pruning  0.0s']);
  c.advance(0.8);
  q.prune('old-web', 'team-old', 'done');
  q.prune('older-web', 'team-old', 'start');
  q.prune('older-web', 'team-old', 'failed', 'timed out');
  q.close();
  assert.equal(pruneTerm.screen(), ['✔ old-web pruned (0.8s)', '✗ older-web prune failed (0.0s): timed out']);
});

test('a log line during the live view clears the frame, prints above it and redraws it', () => {
  const term = new Terminal();
  const c = clock();
  const logger = new Logger('tty', false, false, term, term);
  const p = liveProgress(term, { ...quiet, now: c.now, logger });
  p.runlevelStart('60-teams', 1, 1);
  p.releaseStart(planned('a-web'));
  c.advance(1);
  const before = term.writes.length;
  logger.warn('the previous deploy x never finished: recorded as failed at 60-teams');
  const [cleared, line, redrawn] = term.writes.slice(before);
  assert.ok((cleared as string).includes('\u001b[2A'), 'the frame is cleared first');
  assert.is(line, '⚠ the previous deploy x never finished: recorded as failed at 60-teams\n');
  assert.match(redrawn as string, /a-web {2}upgrade {2}1\.0s/);
  assert.equal(term.screen(), [
    '⚠ the previous deploy x never finished: recorded as failed at 60-teams',
    '► 60-teams  0/1 releases · 1 to apply  1.0s',
    '  * a-web  upgrade  1.0s',
  ]);
  p.close();
  const afterClose = term.writes.length;
  logger.info('summary');
  assert.equal(term.writes.slice(afterClose), ['• summary\n'], 'no region once closed');
});

test('the logger leaves the region alone outside the tty format', () => {
  const calls: string[] = [];
  const sink = { write: (s: string) => calls.push(`write ${s.trim()}`) };
  const region = { clear: () => calls.push('clear'), redraw: () => calls.push('redraw') };
  const plain = new Logger('plain', false, false, sink, sink);
  plain.setLiveRegion(region);
  plain.warn('w');
  assert.equal(calls, ['write ⚠ w']);
  const tty = new Logger('tty', false, false, sink, sink);
  tty.setLiveRegion(region);
  tty.warn('w');
  assert.equal(calls.slice(1), ['clear', 'write ⚠ w', 'redraw']);
});

test.run();
