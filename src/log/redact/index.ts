// Secret scrubbing for everything that may reach a log line or a stored error message. Public face
// of the folder: patterns.ts (the shapes of secrets in text), secrets.ts (the registry of literal
// secrets, from configuration and the environment), text.ts (scrub a string), value.ts (scrub a value).
export { REDACTED } from './patterns.ts';
export { addSecrets, clearSecrets, isSecretEnvName, refreshEnvSecrets } from './secrets.ts';
export { redactText } from './text.ts';
export { isSensitiveKey, redactValue } from './value.ts';
