// What `status`, `clips` and `report` print, from the database rows.
import type pg from 'pg';
import { getHost, getVideo, listArtefacts, listClips, listStageRuns } from '../db/index.ts';
import { probeOf } from '../pipeline/probe-of.ts';
import { bytes, progressLine, safe, seconds, table } from './format.ts';

export class NotFound extends Error {}

async function videoOrThrow(db: pg.Pool, id: string) {
  const v = /^[0-9a-f-]{36}$/i.test(id) ? await getVideo(db, id) : null;
  if (!v) throw new NotFound(`no video with id ${id}`);
  return v;
}

export async function statusView(db: pg.Pool, id: string, json: boolean): Promise<string> {
  const v = await videoOrThrow(db, id);
  const artefacts = await listArtefacts(db, id);
  // The host holding the video's files, how recently it was heard from, and the yt-dlp it runs.
  const h = v.hostId ? await getHost(db, v.hostId) : undefined;
  const host = h ? { id: h.id, heartbeatAgeS: Math.round(h.ageSeconds), stopped: !!h.stoppedAt, ytDlp: (h.details?.ytDlp as string | undefined) ?? null } : null;
  if (json) return JSON.stringify({ ...v, sourceUrl: safe(v.sourceUrl), host, artefacts }, null, 2);
  const lines = [
    `video     ${v.id}`,
    `source    ${safe(v.sourceUrl)}`,
    `state     ${progressLine(v)}`,
  ];
  if (v.title) lines.push(`title     ${v.title}`);
  if (v.durationS) lines.push(`duration  ${seconds(v.durationS)} s`);
  const probe = probeOf(v);
  const pv = probe?.video;
  if (pv) lines.push(`source    ${pv.codec} ${pv.width}x${pv.height} @ ${pv.fps.toFixed(3)} fps, audio ${probe?.audio?.codec ?? 'none'}`);
  if (host) lines.push(`host      ${host.id} (${host.stopped ? 'stopped' : `heartbeat ${host.heartbeatAgeS} s ago`}${host.ytDlp ? `, yt-dlp ${host.ytDlp}` : ''})`);
  if (v.errorCode) lines.push(`error     ${v.errorCode}: ${v.errorMessage ?? ''}`);
  for (const a of artefacts) lines.push(`${a.kind.padEnd(9)} ${a.storeUri} (${bytes(a.bytes)}, sha256 ${(a.sha256 ?? '').slice(0, 16)}…${a.storageClass ? `, ${a.storageClass}` : ''})`);
  return lines.join('\n');
}

export async function clipsView(db: pg.Pool, id: string, json: boolean): Promise<string> {
  await videoOrThrow(db, id);
  const clips = await listClips(db, id);
  // Each clip with its stable id and review state (`state`, as the review API names it).
  if (json) return JSON.stringify(clips.map((c) => ({ ...c, state: c.reviewState })), null, 2);
  return table(
    ['#', 'start s', 'end s', 'length s', 'frames', 'keyframe s', 'review'],
    clips.map((c) => [c.idx, seconds(c.startS), seconds(c.endS), seconds(c.endS - c.startS), `${c.startFrame}-${c.endFrame}`, seconds(c.keyframeS), c.reviewState]),
  );
}

export async function reportView(db: pg.Pool, id: string, json: boolean): Promise<string> {
  const v = await videoOrThrow(db, id);
  const runs = await listStageRuns(db, id);
  if (json) return JSON.stringify({ videoId: id, state: v.state, runs }, null, 2);
  const op = (r: (typeof runs)[number], k: string) => Number((r.storeOps as Record<string, unknown> | null)?.[k] ?? 0);
  const rows = runs.map((r) => [
    r.stage, r.attempt, r.ok ? 'ok' : (r.errorCode ?? 'failed'), r.wallMs, r.handoffMs,
    op(r, 'put'), op(r, 'get'), op(r, 'head'), bytes(r.bytesUp), bytes(r.bytesDown), r.encodePasses,
  ]);
  const sum = (f: (r: (typeof runs)[number]) => number) => runs.reduce((a, r) => a + f(r), 0);
  rows.push([
    'total', '', '', sum((r) => r.wallMs ?? 0), sum((r) => r.handoffMs ?? 0),
    sum((r) => op(r, 'put')), sum((r) => op(r, 'get')), sum((r) => op(r, 'head')),
    bytes(sum((r) => Number(r.bytesUp ?? 0))), bytes(sum((r) => Number(r.bytesDown ?? 0))), sum((r) => r.encodePasses ?? 0),
  ]);
  return table(['stage', 'try', 'result', 'wall ms', 'handoff ms', 'PUT', 'GET', 'HEAD', 'store up', 'store down', 'encodes'], rows);
}
