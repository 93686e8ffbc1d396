// Errors the CLI turns into exit code 2 (bad input from the person at the keyboard), said plainly.

/** A wrong command, flag or argument: the message and the usage are printed. */
export class UsageError extends Error {}
