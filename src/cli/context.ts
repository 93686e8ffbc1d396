// What every command receives, and every flag any command takes: apart from main.ts so that command
// files (ops.ts, doctor.ts, …) can name these types without importing the dispatcher that imports them.
import type { parseArgs, ParseArgsConfig } from 'node:util';
import type { Config } from '../config.ts';
import type { Logger } from '../log/index.ts';

/** What every command receives: configuration, the CLI's logger, its positional arguments and flags. */
export interface CommandContext {
  cfg: Config;
  logger: Logger;
  /** Positional arguments after the command name. */
  args: string[];
  values: Values;
  /** The first positional argument, or a usage error naming what was expected. */
  need(what: string): string;
}

/**
 * Every flag any command takes (node:util parseArgs, strict). A command that needs a new flag adds
 * one line here.
 */
export const OPTIONS = {
  master: { type: 'boolean', default: false },
  wait: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  sample: { type: 'boolean', default: false },
  param: { type: 'string', multiple: true, default: [] },
  state: { type: 'string', multiple: true, default: [] },
  limit: { type: 'string', default: '100' },
  redrive: { type: 'boolean', default: false },
  mode: { type: 'string' },
  out: { type: 'string' },
  format: { type: 'string' },
  reviewer: { type: 'string' },
  frame: { type: 'string' },
  video: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

export type Values = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof OPTIONS }>>['values'];

