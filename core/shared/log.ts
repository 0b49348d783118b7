// The only module that writes to the console. Progress for people goes to stderr as typed
// events, one formatter per output mode; data goes to stdout through `writeData`.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Problem, UserError } from './errors.js';
import { SecretMask } from './mask.js';
import { formatLocation } from './source.js';

export const LogFormats = ['tty', 'plain', 'json'] as const;
export type LogFormat = (typeof LogFormats)[number];

/** The small vocabulary of progress marks (after Flux). */
export const Mark = {
  start: '►',
  generated: '✚',
  waiting: '◎',
  done: '✔',
  warn: '⚠',
  fail: '✗',
  info: '•',
} as const;
export type MarkName = keyof typeof Mark;

export interface LogEvent {
  kind: string; // 'progress' | 'exec' | 'error' | 'debug' | stage-specific kinds ('release', 'layer', …)
  mark?: MarkName;
  message: string;
  data?: Record<string, unknown>;
}

interface Sink {
  write(text: string): void;
}

/** A region redrawn in place on stderr (the deploy live view): it steps aside for every log line. */
export interface LiveRegion {
  clear(): void;
  redraw(): void;
}

const colors = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, dim: 2, bold: 1 } as const;
export const markColor: Record<MarkName, keyof typeof colors> = {
  start: 'cyan',
  generated: 'green',
  waiting: 'yellow',
  done: 'green',
  warn: 'yellow',
  fail: 'red',
  info: 'dim',
};

export class Logger {
  private readonly secrets = new SecretMask();
  private readonly quiet = new AsyncLocalStorage<true>();
  private live: LiveRegion | undefined;

  constructor(
    private format: LogFormat = 'plain',
    private color = false,
    private verbose = false,
    private err: Sink = process.stderr,
    private out: Sink = process.stdout,
  ) {}

  configure(opts: { format?: LogFormat; color?: boolean; verbose?: boolean }): void {
    if (opts.format) this.format = opts.format;
    if (opts.color !== undefined) this.color = opts.color;
    if (opts.verbose !== undefined) this.verbose = opts.verbose;
  }

  get outputFormat(): LogFormat {
    return this.format;
  }

  /** While set (tty format only), each stderr write clears the region first and redraws it after. */
  setLiveRegion(region: LiveRegion | undefined): void {
    this.live = region;
  }

  /**
   * Every later output has this value masked, in every form it can take (core/shared/mask.ts).
   * Call it as soon as a secret is known. False when it is too short to be masked.
   */
  redact(secret: string): boolean {
    return this.secrets.add(secret);
  }

  mask(text: string): string {
    return this.secrets.mask(text);
  }

  /** Does this text hold a registered secret in any form? */
  reveals(text: string): boolean {
    return this.secrets.reveals(text);
  }

  /**
   * Runs fn with its progress lines (not warnings or failures) turned into debug lines: the sync
   * agent's page read is routine, not news; only this call's own async work is quieted.
   */
  quietly<T>(fn: () => Promise<T>): Promise<T> {
    return this.quiet.run(true, fn);
  }

  event(e: LogEvent): void {
    if (e.kind === 'progress' && e.mark !== 'warn' && e.mark !== 'fail' && this.quiet.getStore()) {
      if (this.verbose) this.writeErr(this.mask(this.render({ kind: 'debug', message: e.message })));
      return;
    }
    this.writeErr(this.mask(this.render(e)));
  }

  private writeErr(text: string): void {
    const live = this.format === 'tty' ? this.live : undefined;
    live?.clear();
    this.err.write(text);
    live?.redraw();
  }

  start(message: string, data?: Record<string, unknown>): void {
    this.event({ kind: 'progress', mark: 'start', message, data });
  }
  done(message: string, data?: Record<string, unknown>): void {
    this.event({ kind: 'progress', mark: 'done', message, data });
  }
  waiting(message: string, data?: Record<string, unknown>): void {
    this.event({ kind: 'progress', mark: 'waiting', message, data });
  }
  generated(message: string, data?: Record<string, unknown>): void {
    this.event({ kind: 'progress', mark: 'generated', message, data });
  }
  warn(message: string, data?: Record<string, unknown>): void {
    this.event({ kind: 'progress', mark: 'warn', message, data });
  }
  info(message: string, data?: Record<string, unknown>): void {
    this.event({ kind: 'progress', mark: 'info', message, data });
  }
  fail(message: string, data?: Record<string, unknown>): void {
    this.event({ kind: 'progress', mark: 'fail', message, data });
  }

  /** Debug output costs nothing when off: the message is built only when verbose. */
  debug(message: () => string): void {
    if (this.verbose) this.event({ kind: 'debug', message: message() });
  }

  /**
   * Data for programs (manifests, JSON, YAML): stdout, never decorated. Secrets are masked unless
   * the user asked for them in clear (`template --show-secrets`).
   */
  writeData(text: string, opts: { showSecrets?: boolean } = {}): void {
    const line = text.endsWith('\n') ? text : `${text}\n`;
    this.out.write(opts.showSecrets ? line : this.mask(line));
  }

  /** A user error: message, then each problem with its place, code frame and hint. */
  userError(err: UserError): void {
    if (this.format === 'json') {
      this.event({
        kind: 'error',
        message: err.message,
        data: { exitCode: err.exitCode, hint: err.hint, problems: err.problems.map(problemJson) },
      });
      return;
    }
    const lines = [this.paint('red', `${Mark.fail} ${err.message}`)];
    for (const p of err.problems) lines.push(this.problemText(p));
    if (err.hint) lines.push(`${this.paint('dim', 'hint:')} ${err.hint}`);
    this.writeErr(this.mask(`${lines.join('\n')}\n`));
  }

  private problemText(p: Problem): string {
    const where = p.where ? `${this.paint('bold', formatLocation(p.where))}  ` : '';
    const path = p.path ? `${p.path}: ` : '';
    const parts = [`\n${where}${path}${p.message}`];
    if (p.frame) parts.push(this.paint('dim', p.frame));
    if (p.hint) parts.push(`  ${this.paint('cyan', 'hint:')} ${p.hint}`);
    return parts.join('\n');
  }

  private render(e: LogEvent): string {
    if (this.format === 'json') {
      return `${JSON.stringify({ time: new Date().toISOString(), ...e })}\n`;
    }
    const mark = e.mark ? `${this.paint(markColor[e.mark], Mark[e.mark])} ` : '';
    const text = e.kind === 'debug' ? this.paint('dim', `  ${e.message}`) : e.message;
    return `${mark}${text}\n`;
  }

  paint(color: keyof typeof colors, text: string): string {
    return this.color && this.format === 'tty' ? `\u001b[${colors[color]}m${text}\u001b[0m` : text;
  }
}

function problemJson(p: Problem): Record<string, unknown> {
  return { message: p.message, where: p.where, path: p.path, hint: p.hint };
}

/** The process-wide logger; main() configures it from flags and environment. */
export const log = new Logger();
