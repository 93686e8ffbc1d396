// The shape of the code, checked: the import graph of src/ has no cycle (type-only imports
// included), and the lower layers know nothing of the rooms above them.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from './helpers/common.ts';

const SRC = path.join(REPO_ROOT, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** file → the src files it imports (relative specifiers only). */
function graph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of files(SRC)) {
    const text = readFileSync(f, 'utf8');
    const deps = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?'(\.[^']+)'/gm)].map((m) => path.resolve(path.dirname(f), m[1]!));
    g.set(f, deps.filter((d) => d.startsWith(SRC)));
  }
  return g;
}

const rel = (f: string) => path.relative(SRC, f);

test('the import graph of src/ has no cycle', () => {
  const g = graph();
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (f: string, stack: string[]) => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') {
      cycles.push([...stack.slice(stack.indexOf(f)), f].map(rel).join(' → '));
      return;
    }
    state.set(f, 'open');
    for (const d of g.get(f) ?? []) visit(d, [...stack, f]);
    state.set(f, 'done');
  };
  for (const f of g.keys()) visit(f, []);
  assert.deepEqual(cycles, []);
});

test('the lower layers import no room above them', () => {
  const LOWER = ['pool', 'media', 'storage', 'db', 'log', 'config.ts', 'metrics', 'util', 'errors.ts'];
  const ROOMS = ['pipeline', 'queue', 'hosts', 'http', 'review', 'export', 'cli', 'sources', 'download', 'scenes', 'daemon.ts'];
  const top = (f: string) => rel(f).split(path.sep)[0]!;
  const bad: string[] = [];
  for (const [f, deps] of graph()) {
    if (!LOWER.includes(top(f))) continue;
    for (const d of deps) if (ROOMS.includes(top(d))) bad.push(`${rel(f)} imports ${rel(d)}`);
  }
  assert.deepEqual(bad, []);
});
