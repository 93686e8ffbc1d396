// The ingest command: resolve the URL (one video, or a playlist/channel/page fanning out into one
// video per entry), then create each video once per idempotency key and start its chain. The rows,
// the source with its entries and the download jobs commit together, so a crash between them cannot
// leave a video without a job; sending the same playlist again adds only its new entries.
import { createOrGetVideo, withTransaction } from '../db/index.ts';
import { redactText } from '../log/index.ts';
import { IngestJob } from '../queue/ingest-job.ts';
import { QUEUES } from '../queue/names.ts';
import { downloadGroup, getSiteState, planIngest, recordSource, setVideoOrigin, startCooldown } from '../sources/index.ts';
import type { EntryLink } from '../sources/index.ts';
import type { Deps } from './deps.ts';
import { inTx } from '../queue/tx.ts';

export type IngestResult = {
  /** The first (or only) video: what single-video clients read. */
  videoId: string;
  /** Whether any video was created by this command (false: all existed already). */
  created: boolean;
  /** Every video of the command, in entry order (one for a single video). */
  videoIds: string[];
  /** How many of them this command created. */
  added: number;
  /** The playlist, channel or page, when the URL was one. */
  sourceId?: string;
};

export async function ingest(deps: Deps, input: unknown): Promise<IngestResult> {
  const job = IngestJob.parse(input);
  const options = job.options ?? {};
  const plan = await planIngest(
    deps,
    {
      url: job.url,
      master: options.master === true,
      playlist: options.playlist,
      idempotencyKey: options.idempotencyKey,
      extractorArgs: options.extractorArgs,
    },
    {
      isCooling: async (site) => {
        const until = (await getSiteState(deps.db, site))?.cooldownUntil;
        return !!until && until.getTime() > Date.now();
      },
      // A 429 while resolving is the site's answer to every daemon: they all wait.
      onUnresolved: async (err, site) => {
        if (err.code === 'rate_limited' && site) await startCooldown(deps.db, site, deps.cfg.sites.cooldownMs, redactText(err.message));
      },
    },
  );
  const out = await withTransaction(deps.db, async (client) => {
    const videoIds: string[] = [];
    const links: EntryLink[] = [];
    let added = 0;
    for (const [i, v] of plan.videos.entries()) {
      const res = await createOrGetVideo(client, { url: v.url, idempotencyKey: v.key, options });
      if (res.created) {
        added++;
        await setVideoOrigin(client, res.video.id, { canonicalId: v.canonicalId, site: v.site, playlistItem: v.playlistItem });
        await deps.boss.send(
          QUEUES.download,
          { videoId: res.video.id, prevFinishedAt: Date.now() },
          { db: inTx(client), ...downloadGroup(deps.cfg, v.site) },
        );
      }
      videoIds.push(res.video.id);
      links.push({ entryKey: v.key, position: i + 1, videoId: res.video.id, url: v.url, title: v.title });
    }
    const source = plan.source ? await recordSource(client, plan.source, links) : undefined;
    return { videoIds, added, sourceId: source?.sourceId };
  });
  const result: IngestResult = {
    videoId: out.videoIds[0]!,
    created: out.added > 0,
    videoIds: out.videoIds,
    added: out.added,
    ...(out.sourceId ? { sourceId: out.sourceId } : {}),
  };
  deps.logger.info(
    { videoId: result.videoId, videos: result.videoIds.length, added: result.added, sourceId: result.sourceId },
    result.created ? 'ingest accepted' : 'ingest joined existing videos',
  );
  return result;
}
