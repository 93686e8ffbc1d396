// One wording of zod's issues on a single line ("path: message; ..."), for messages that end up in a
// log line, a stored error or a job's output. The CLI shows people z.prettifyError's multi-line form.
// Paths only, never the input: the value that failed may be a secret.
import type { z } from 'zod';

/** Each issue as "path: message" ("(root)" when the input itself is wrong). */
export function zodIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
}

/** All issues on one line, separated by "; ". */
export function formatZodError(error: z.ZodError): string {
  return zodIssues(error).join('; ');
}
