// The yt-dlp the workers run: its version (a release date, YYYY.MM.DD[.N]) as a metric, and a
// warning at start when it is old. Sites change their pages and YouTube its player every few weeks;
// a yt-dlp months old fails with errors that look like the site's (bot checks, 403s, no formats).
import { Gauge, type Registry } from 'prom-client';
import { z } from 'zod';
import type { Logger } from '../log/index.ts';

/** Older than this, the daemon warns at start. */
export const YT_DLP_MAX_AGE_DAYS = 90;

export type YtDlpInfo = { version: string; releasedAt: Date | null; ageDays: number | null; old: boolean };

export function ytDlpInfo(version: string, now: Date = new Date()): YtDlpInfo {
  const m = /^(\d{4})\.(\d{2})\.(\d{2})/.exec(version);
  const releasedAt = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  const ageDays = releasedAt ? Math.floor((now.getTime() - releasedAt.getTime()) / 86_400_000) : null;
  return { version, releasedAt, ageDays, old: ageDays !== null && ageDays > YT_DLP_MAX_AGE_DAYS };
}

const Ping = z.object({ yt_dlp: z.string().min(1) });

/** Ask a worker (the `ping` op carries the version), publish heaters_ytdlp_info and warn if old. */
export async function reportYtDlp(
  pool: { run(op: string, args: Record<string, unknown>): Promise<unknown> },
  registry: Registry,
  logger: Logger,
): Promise<YtDlpInfo | undefined> {
  try {
    const info = ytDlpInfo(Ping.parse(await pool.run('ping', {})).yt_dlp);
    const gauge = new Gauge({
      name: 'heaters_ytdlp_age_days',
      help: 'Age of the yt-dlp release the workers run (days since its version date), labelled with its version',
      labelNames: ['version'] as const,
      registers: [registry],
    });
    gauge.set({ version: info.version }, info.ageDays ?? -1);
    if (info.old) {
      logger.warn(
        { ytDlp: info.version, ageDays: info.ageDays },
        `yt-dlp ${info.version} is ${info.ageDays} days old: sites (YouTube above all) break old releases; run a current one (README: "A current yt-dlp")`,
      );
    } else logger.info({ ytDlp: info.version, ageDays: info.ageDays }, 'yt-dlp version');
    return info;
  } catch (err) {
    logger.warn({ err }, 'could not read the yt-dlp version');
    return undefined;
  }
}

/** The version published on this registry by reportYtDlp (undefined until a worker answered). */
export async function publishedYtDlp(registry: Registry): Promise<YtDlpInfo | undefined> {
  const metric = registry.getSingleMetric('heaters_ytdlp_age_days');
  const value = metric ? (await metric.get()).values[0] : undefined;
  const version = value?.labels.version;
  return typeof version === 'string' ? ytDlpInfo(version) : undefined;
}
