// Re-log one stderr line of a child process (Python worker, ffmpeg, ...) through our logger.
import type { Level } from 'pino';
import { isRedactingLogger, type Logger } from './logger.ts';
import { redactText, redactValue } from './redact/index.ts';

export type RelaySource = 'python' | 'ffmpeg' | (string & {});

export interface RelayOptions {
  /** Level for lines that are not JSON log records. Default: debug for ffmpeg (progress noise),
   * info for anything else. */
  rawLevel?: Level;
  /** Longer lines are cut (after scrubbing) so one runaway line cannot flood the log. */
  maxLength?: number;
}

const DEFAULT_MAX_LENGTH = 16 * 1024;

// Python logging names → pino levels.
const LEVEL_NAMES: Record<string, Level> = {
  trace: 'trace',
  debug: 'debug',
  notset: 'debug',
  info: 'info',
  information: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  exception: 'error',
  err: 'error',
  critical: 'fatal',
  fatal: 'fatal',
};

// Keys pino writes itself or we set; a child's record using them is renamed to <source>_<key>
// rather than producing duplicate JSON keys.
const RESERVED = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'source', 'name', 'v']);

function levelOf(logger: Logger, raw: unknown): Level {
  if (typeof raw === 'string') return LEVEL_NAMES[raw.toLowerCase()] ?? 'info';
  if (typeof raw === 'number') {
    const label = logger.levels.labels[raw];
    if (label && label in LEVEL_NAMES) return LEVEL_NAMES[label] ?? 'info';
  }
  return 'info';
}

function parseRecord(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{') || !line.endsWith('}')) return undefined;
  try {
    const v: unknown = JSON.parse(line);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    const rec = v as Record<string, unknown>;
    return 'level' in rec || 'msg' in rec ? rec : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Re-log a child's stderr line. A JSON object with `level`/`msg` (the Python worker's log format,
 * python/heaters_worker/context.py) is logged at its level with its fields; anything else is logged
 * as the raw text. Both are scrubbed; `source` (and `fields`) tag the line.
 */
export function relayLine(
  logger: Logger,
  source: RelaySource,
  line: string,
  fields?: Record<string, unknown>,
  opts: RelayOptions = {},
): void {
  const text = line.replace(/[\r\n]+$/, '');
  if (text.trim() === '') return;
  // Our loggers scrub everything themselves; a plain pino logger gets it done here.
  const scrub = !isRedactingLogger(logger);
  const max = opts.maxLength ?? DEFAULT_MAX_LENGTH;
  const base = { source, ...(fields ?? {}) };

  const rec = parseRecord(text);
  if (rec) {
    const level = levelOf(logger, rec.level);
    if (!logger.isLevelEnabled(level)) return;
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(rec)) {
      if (k === 'level' || k === 'msg') continue;
      out[RESERVED.has(k) || k in base ? `${source}_${k}` : k] = v;
    }
    const msg = typeof rec.msg === 'string' ? rec.msg : stringOr(rec.msg);
    logger[level](scrub ? redactValue(out) : out, clipSafely(msg, max, scrub));
    return;
  }

  const level = opts.rawLevel ?? (source === 'ffmpeg' ? 'debug' : 'info');
  if (!logger.isLevelEnabled(level)) return;
  logger[level](scrub ? redactValue(base) : base, clipSafely(text, max, scrub));
}

function stringOr(v: unknown): string {
  if (v === undefined) return '';
  try {
    return typeof v === 'string' ? v : JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** Scrub before cutting: a cut through a secret would leave half of it unrecognisable. */
function clipSafely(s: string, max: number, scrub: boolean): string {
  const safe = scrub || s.length > max ? redactText(s) : s;
  return safe.length > max ? `${safe.slice(0, max)}… [${safe.length - max} chars cut]` : safe;
}
