// The review page in a real headless Chromium (Debian's chromium driven by playwright-core): open
// it, play, step frames with the arrow keys, split with Enter, undo with Ctrl+Z, approve with A;
// each checked in the database. A screenshot is kept in .cache/review-page.png.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { listClips } from '../src/db/index.ts';
import { REPO_ROOT } from './helpers/common.ts';
import type { TestPostgres } from './helpers/postgres.ts';
import { readyVideo, reviewPostgres, startReviewDaemon } from './helpers/review.ts';
import type { TestDaemon } from './helpers/daemon.ts';

// The callbacks below run in the page; these names only type them (the project's tsconfig has no DOM lib).
declare const document: { body: { dataset: Record<string, string | undefined> }; getElementById(id: string): { textContent: string | null } | null };
type HTMLVideoElement = { currentTime: number; paused: boolean };

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let pg: TestPostgres;
let d: TestDaemon & { url: string };
let browser: BrowserContext;
let profile: string;
let videoId: string;

before(async () => {
  pg = await reviewPostgres();
  d = await startReviewDaemon({ DATABASE_URL: pg.url });
  videoId = (await readyVideo(d, 'review-page')).id;
  profile = await mkdtemp(path.join(os.tmpdir(), 'heaters-chromium-'));
  browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1100, height: 800 } });
});
after(async () => {
  await browser?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
  await d?.close();
  await pg?.stop();
});

const frameText = async (page: Page) => Number(await page.textContent('#frame'));
const clipsOf = () => listClips(d.deps.db, videoId);

test('open, play, step frames, split with Enter, undo with Ctrl+Z, approve with A', { skip: !existsSync(CHROMIUM) && 'no /usr/bin/chromium' }, async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${d.url}/review?reviewer=pw`);
  await page.waitForFunction(() => document.body.dataset.clipId !== '');
  const clipId = await page.evaluate(() => document.body.dataset.clipId);
  const clip = (await clipsOf()).find((c) => c.id === clipId)!;
  assert.ok(clip, 'the page shows a clip of the video');
  const { rows } = await d.deps.db.query('SELECT leased_by FROM heaters.clips WHERE id = $1', [clipId]);
  assert.equal(rows[0].leased_by, 'pw', 'claimed for the reviewer');
  assert.equal(await frameText(page), clip.startFrame);

  // Play: the player advances; pause again with Space.
  await page.keyboard.press('Space');
  await page.waitForFunction(() => (document.getElementById('player') as unknown as HTMLVideoElement).currentTime > 0.3 + 0 && !(document.getElementById('player') as unknown as HTMLVideoElement).paused, null, { timeout: 15_000 });
  await page.keyboard.press('Space');
  assert.equal(await page.evaluate(() => (document.getElementById('player') as unknown as HTMLVideoElement).paused), true);

  // Step: back to the start with Shift+← (clamped), then +10, +1, +1, −1.
  for (let i = 0; i < 8; i++) await page.keyboard.press('Shift+ArrowLeft');
  assert.equal(await frameText(page), clip.startFrame);
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowLeft');
  const at = clip.startFrame + 11;
  assert.equal(await frameText(page), at);
  const shownTime = await page.evaluate(() => (document.getElementById('player') as unknown as HTMLVideoElement).currentTime);
  assert.equal(Math.floor(shownTime * 25), at, 'the player shows that frame');

  // Split with Enter: one clip ends at the frame, the next starts at it.
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /split at frame/.test(document.getElementById('status')!.textContent ?? ''));
  let rowsNow = await clipsOf();
  assert.ok(rowsNow.some((c) => c.endFrame === at && c.id === clip.id), 'first part keeps the id and ends at the frame');
  assert.ok(rowsNow.some((c) => c.startFrame === at && c.endFrame === clip.endFrame && c.origin === 'reviewer'));
  await page.screenshot({ path: path.join(REPO_ROOT, '.cache', 'review-page.png') });

  // Undo with Ctrl+Z: the split is gone.
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => /^undo: split/.test(document.getElementById('status')!.textContent ?? ''));
  rowsNow = await clipsOf();
  assert.ok(!rowsNow.some((c) => c.startFrame === at), 'no cut at the frame any more');
  assert.ok(rowsNow.some((c) => c.id === clip.id && c.startFrame === clip.startFrame && c.endFrame === clip.endFrame));

  // Approve with A: stored, and the page moves on to the next clip.
  await page.keyboard.press('a');
  await page.waitForFunction((id) => document.body.dataset.clipId !== id && document.body.dataset.clipId !== '', clipId);
  assert.equal((await clipsOf()).find((c) => c.id === clip.id)!.reviewState, 'approved');
  assert.match(await page.textContent('#status') ?? '', /approve: clip #/);

  // The key map.
  await page.keyboard.press('?');
  assert.equal(await page.isVisible('#help'), true);
  await mkdir(path.join(REPO_ROOT, '.cache'), { recursive: true });
  await page.screenshot({ path: path.join(REPO_ROOT, '.cache', 'review-page-help.png') });
  assert.deepEqual(errors, []);
});
