// The one logger factory: pino, with every message, field, binding and error scrubbed of secrets.
//
// Where redaction happens (pino's own order matters):
//  - hooks.logMethod: the merge object (incl. Errors: pino reads err.message for the msg before any
//    formatter runs) and the message. printf-style arguments are interpolated here, before
//    scrubbing, so a secret split across arguments ('%s:%s@host') is still seen whole.
//  - formatters.bindings (root bindings) and a wrapped child()/setBindings(): pino resets the
//    bindings formatter for children, so child bindings are scrubbed before pino sees them. Children
//    are prototype-linked to the root, so grandchildren go through the same wrapper.
//  - serializers.err: pino's standard error serializer, its output scrubbed again.
// Default destination is stderr (fd 2), written synchronously: stdout belongs to CLI output, and a
// crash must not lose the lines that explain it.
//
// Format: 'json' (one JSON object per line, the default for programs), 'pretty' (pino-pretty,
// inline), or 'auto' (what the CLI asks for): pretty and quiet (warn and above unless a level is
// given) when stderr is a terminal, JSON otherwise. LOG_FORMAT / LOG_LEVEL reach here through Config.
import { pino } from 'pino';
import type { DestinationStream, Logger as PinoLogger, LoggerOptions } from 'pino';
import { prettyFactory } from 'pino-pretty';
import { z } from 'zod';
import { addSecrets, redactText, redactValue, refreshEnvSecrets } from './redact/index.ts';

export type Logger = PinoLogger;

export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LevelName = (typeof LEVELS)[number];

export const LOG_FORMATS = ['json', 'pretty', 'auto'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

const OptionsSchema = z.object({
  /** Default: 'info', or 'warn' when format 'auto' chose pretty output on a terminal. */
  level: z.enum(LEVELS).optional(),
  /** Same as format 'pretty' (kept for callers that only know a boolean). */
  pretty: z.boolean().default(false),
  format: z.enum(LOG_FORMATS).optional(),
  secrets: z.array(z.string()).default([]),
  name: z.string().min(1).optional(),
  // Re-read secret-named environment variables now (default) — see refreshEnvSecrets.
  readEnv: z.boolean().default(true),
});

export type CreateLoggerOptions = z.input<typeof OptionsSchema> & {
  /** Where lines go. Default: stderr (fd 2), synchronous. Any object with write(string) works. */
  destination?: DestinationStream | NodeJS.WritableStream;
  /** Environment to read secret values from (default process.env). */
  env?: Record<string, string | undefined>;
};

/** Marks loggers made here, so relayLine can skip a second scrubbing pass. */
export const REDACTING = Symbol.for('heaters.log.redacting');

export function isRedactingLogger(logger: unknown): boolean {
  return typeof logger === 'object' && logger !== null && (logger as Record<symbol, unknown>)[REDACTING] === true;
}

export function createLogger(opts: CreateLoggerOptions = {}): Logger {
  const { destination, env, ...rest } = opts;
  const o = OptionsSchema.parse(rest);
  if (o.readEnv) refreshEnvSecrets(env ?? process.env);
  addSecrets(o.secrets);

  const { pretty, level } = resolveLogSettings(o, destination === undefined && process.stderr.isTTY === true);
  const options: LoggerOptions = {
    level,
    ...(o.name ? { name: redactText(o.name) } : {}),
    hooks: {
      logMethod(args, method) {
        method.apply(this, scrubArgs(args as unknown[]) as Parameters<typeof method>);
      },
    },
    formatters: {
      bindings: (bindings) => redactValue(bindings),
    },
    serializers: {
      err: (err: unknown) => redactValue(pino.stdSerializers.err(err as Error)),
    },
  };

  // The default stderr destination goes through the terminal hand-off (see routeTerminalLogs).
  const dest = destination ?? toTerminal(pino.destination({ dest: 2, sync: true }));
  const stream = pretty ? prettyStream(dest, destination === undefined) : (dest as DestinationStream);
  const logger = pino(options, stream);
  Object.defineProperty(logger, REDACTING, { value: true });
  scrubChildBindings(logger);
  return logger;
}

/** Which format and level a logger gets: 'auto' is pretty and quiet on a terminal, JSON elsewhere. */
export function resolveLogSettings(
  o: { level?: LevelName | undefined; pretty?: boolean | undefined; format?: LogFormat | undefined },
  stderrIsTTY: boolean,
): { pretty: boolean; level: LevelName } {
  const format = o.format ?? (o.pretty ? 'pretty' : 'json');
  const pretty = format === 'pretty' || (format === 'auto' && stderrIsTTY);
  const quiet = format === 'auto' && pretty;
  return { pretty, level: o.level ?? (quiet ? 'warn' : 'info') };
}

function scrubChildBindings(logger: Logger): void {
  const child = logger.child;
  const setBindings = logger.setBindings;
  const scrubbedChild = function (this: Logger, bindings: Record<string, unknown>, options?: Record<string, unknown>) {
    const opts =
      options && typeof options.msgPrefix === 'string' ? { ...options, msgPrefix: redactText(options.msgPrefix) } : options;
    return child.call(this, redactValue(bindings), opts);
  };
  const scrubbedSetBindings = function (this: Logger, bindings: Record<string, unknown>) {
    setBindings.call(this, redactValue(bindings));
  };
  Object.defineProperty(logger, 'child', { value: scrubbedChild, writable: true, configurable: true });
  Object.defineProperty(logger, 'setBindings', { value: scrubbedSetBindings, writable: true, configurable: true });
}

// While live progress bars own the terminal (cli/progress.ts), lines for stderr are handed to them
// and drawn above the bars instead of being written through them.
let terminalSink: ((text: string) => void) | undefined;

/** Hand stderr log lines to `sink` (undefined: write them to stderr again). */
export function routeTerminalLogs(sink: ((text: string) => void) | undefined): void {
  terminalSink = sink;
}

function toTerminal(stderr: DestinationStream): DestinationStream {
  return {
    write(line: string) {
      if (terminalSink) terminalSink(line);
      else stderr.write(line);
    },
  };
}

/** pino-pretty formatting done inline (no worker thread, no async pipe): lines reach the
 * destination in order and synchronously, already scrubbed because they come out of pino. */
function prettyStream(dest: DestinationStream | NodeJS.WritableStream, isStderr: boolean): DestinationStream {
  const pretty = prettyFactory({
    colorize: isStderr && process.stderr.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
  });
  return {
    write(line: string) {
      const out = pretty(line);
      if (out) dest.write(out);
    },
  };
}

/** Scrub a log call's arguments: [obj?, msg?, ...printf args] → [obj?, msg?]. */
function scrubArgs(args: unknown[]): unknown[] {
  if (args.length === 0) return args;
  let i = 0;
  const out: unknown[] = [];
  const first = args[0];
  if (typeof first === 'object' && first !== null) {
    out.push(redactValue(first));
    i = 1;
  }
  if (i >= args.length) return out;
  const msg = args[i];
  const params = args.slice(i + 1);
  if (typeof msg === 'string') {
    out.push(redactText(params.length ? formatMessage(msg, params) : msg));
  } else {
    // A non-string message (logger.info(42), logger.info(null)): scrub it and keep pino's handling.
    out.push(redactValue(msg), ...params.map((p) => redactValue(p)));
  }
  return out;
}

function stringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return '"[Circular]"';
  }
}

/** printf-style interpolation with pino's semantics (quick-format-unescaped): %s %d %i %f %j %o %O
 * %%; arguments without a placeholder are dropped, as pino does. */
export function formatMessage(f: string, args: unknown[]): string {
  let a = 0;
  return f.replace(/%([sdifjoO%])/g, (whole, c: string) => {
    if (c === '%') return '%';
    if (a >= args.length) return whole;
    const v = args[a++];
    switch (c) {
      case 's':
        return String(v);
      case 'd':
      case 'f':
        return v == null ? whole : String(Number(v));
      case 'i':
        return v == null ? whole : String(Math.floor(Number(v)));
      default:
        if (v === undefined) return whole;
        if (typeof v === 'string') return `'${v}'`;
        if (typeof v === 'function') return v.name || '<anonymous>';
        return stringify(v);
    }
  });
}
