// `heaters export clip|video|timeline`: clips out as files (through the daemon's export stage) or as
// edit lists (rendered here, to stdout). Exit codes: 0 ok, 1 an export failed, 2 usage or unknown id.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { openClient } from '../daemon.ts';
import {
  ExportError,
  TIMELINE_FORMATS,
  loadTimeline,
  parseMode,
  renderTimeline,
  requestClipExport,
  requestGroupExport,
  requestVideoExport,
  waitExports,
  type ExportRow,
  type TimelineFormat,
} from '../export/index.ts';
import { createStore } from '../storage/index.ts';
import { UsageError } from './errors.ts';

type Ctx = {
  cfg: Parameters<typeof openClient>[0];
  logger: Parameters<typeof openClient>[1];
  args: string[];
  values: { mode?: string | undefined; out?: string | undefined; format?: string | undefined; state: string[]; wait: boolean; json: boolean };
};

export const EXPORT_USAGE =
  'export clip <clipId> --mode copy|exact|master [--out PATH] [--wait] [--json]\n' +
  '  export video <videoId> --mode copy|exact|master [--state approved|all] [--wait] [--json]\n' +
  '  export group <groupId> --mode copy|exact|master [--wait] [--json]   (one file per run of adjacent clips)\n' +
  '  export timeline <videoId> --format edl|fcpxml|otio|csv|json [--state approved|all]\n' +
  '                                   export clips as files in the store, or a video\'s clips as an edit list';

const WAIT_MS = 30 * 60_000;
const BAD_INPUT = new Set(['bad_request', 'clip_not_found', 'video_not_found', 'video_not_ready']);

export async function exportCommand(c: Ctx): Promise<number> {
  const [sub, id] = c.args;
  if (!sub || !['clip', 'video', 'group', 'timeline'].includes(sub)) throw new UsageError('export needs clip, video, group or timeline');
  if (!id) throw new UsageError(`export ${sub} needs an id`);
  const state = stateOf(c.values.state);
  const client = await openClient(c.cfg, c.logger);
  try {
    if (sub === 'timeline') {
      const format = c.values.format;
      if (!format || !(TIMELINE_FORMATS as readonly string[]).includes(format)) {
        throw new UsageError(`--format must be one of ${TIMELINE_FORMATS.join(', ')}`);
      }
      process.stdout.write(renderTimeline(format as TimelineFormat, await loadTimeline(client.database.pool, id, state)));
      return 0;
    }
    if (!c.values.mode) throw new UsageError('--mode copy|exact|master is required');
    const mode = parseMode(c.values.mode);
    const deps = { db: client.database.pool, boss: client.boss };
    let rows: ExportRow[] =
      sub === 'clip'
        ? [await requestClipExport(deps, id, mode)]
        : sub === 'group'
          ? await requestGroupExport(deps, id, mode)
          : await requestVideoExport(deps, id, mode, state);
    const out = sub === 'clip' ? c.values.out : undefined;
    if (c.values.out && sub !== 'clip') throw new UsageError('--out is for export clip');
    if (c.values.wait || out) {
      let last = '';
      rows = await waitExports(client.database.pool, rows.map((r) => r.id), {
        timeoutMs: WAIT_MS,
        onProgress: (rs) => {
          const line = rs.map((r) => `${r.state}${typeof r.progress?.percent === 'number' ? ` ${r.progress.percent}%` : ''}`).join(', ');
          if (line !== last && !c.values.json) process.stderr.write(`export: ${line}\n`);
          last = line;
        },
      });
    }
    const first = rows[0];
    if (out && first?.state === 'done' && first.objectKey) {
      const store = createStore(c.cfg.storage, { logger: c.logger });
      const dest = path.resolve(out);
      await mkdir(path.dirname(dest), { recursive: true });
      await store.get(first.objectKey, dest); // atomic: a temp file renamed into place
    }
    process.stdout.write(c.values.json ? `${JSON.stringify(sub === 'clip' ? jsonOf(first!) : rows.map(jsonOf), null, 2)}\n` : table(rows));
    const failed = rows.filter((r) => r.state === 'failed');
    for (const r of failed) process.stderr.write(`export ${r.id} failed: ${r.errorCode}: ${r.errorMessage ?? ''}\n`);
    return failed.length ? 1 : 0;
  } catch (err) {
    if (err instanceof ExportError && BAD_INPUT.has(err.code)) throw new UsageError(`${err.code}: ${err.message}`);
    throw err;
  } finally {
    await client.close();
  }
}

function stateOf(values: string[]): 'approved' | 'all' {
  const v = values.at(-1) ?? 'approved';
  if (v !== 'approved' && v !== 'all') throw new UsageError('--state must be approved or all');
  return v;
}

function jsonOf(r: ExportRow) {
  return {
    exportId: r.id,
    clipId: r.clipId,
    mode: r.mode,
    state: r.state,
    storeUri: r.storeUri,
    frames: r.frames,
    extraLeadingFrames: r.extraLeadingFrames,
    extraTrailingFrames: r.extraTrailingFrames,
    reencodedFrames: r.reencodedFrames,
    method: r.method,
    source: r.source,
    bytes: r.bytes,
    startFrame: r.startFrame,
    endFrame: r.endFrame,
    ...(r.errorCode ? { errorCode: r.errorCode, errorMessage: r.errorMessage } : {}),
  };
}

function table(rows: ExportRow[]): string {
  const head = ['export', 'clip', 'mode', 'state', 'frames', 'lead', 'reenc', 'method', 'store uri'];
  const body = rows.map((r) => [r.id.slice(0, 8), r.clipId.slice(0, 8), r.mode, r.state, r.frames ?? '', r.extraLeadingFrames ?? '', r.reencodedFrames ?? '', r.method ?? '', r.storeUri ?? r.errorCode ?? ''].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((s, i) => s.padEnd(widths[i]!)).join('  ').trimEnd();
  return `${[line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n')}\n`;
}
