// Public face of the logging module: import from here, not from the files behind it.
export { createLogger, formatMessage, isRedactingLogger, LEVELS, LOG_FORMATS, resolveLogSettings, routeTerminalLogs } from './logger.ts';
export type { CreateLoggerOptions, LevelName, LogFormat, Logger } from './logger.ts';
export {
  REDACTED,
  addSecrets,
  clearSecrets,
  isSecretEnvName,
  isSensitiveKey,
  redactText,
  redactValue,
  refreshEnvSecrets,
} from './redact/index.ts';
export { relayLine } from './relay.ts';
export type { RelayOptions, RelaySource } from './relay.ts';
