// The one base of every typed Heaters error. Each layer declares its failures as subclasses with a
// stable snake_case `code` (stored on videos, matched by callers) and says where it declares them
// whether another attempt can help (`retryable`), so the stage classifier (pipeline/errors.ts) reads
// the error instead of keeping a list of codes far away. `name` is set here, once, from the class.

export type HeatersErrorOptions = {
  /** Whether another attempt can help. */
  retryable: boolean;
  cause?: unknown;
};

const SNAKE_CASE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/** Is `code` a code in the house casing (lower snake_case)? */
export function isSnakeCaseCode(code: unknown): code is string {
  return typeof code === 'string' && SNAKE_CASE.test(code);
}

export class HeatersError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly retryable: boolean;

  constructor(code: Code, message: string, options: HeatersErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable;
  }
}

export function isHeatersError(e: unknown): e is HeatersError {
  return e instanceof HeatersError;
}
