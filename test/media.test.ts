import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access, chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { pino } from 'pino';
import {
  clearFfmpegCache,
  isFaststart,
  keyframeTimes,
  makeProxy,
  MediaError,
  mp4TopLevelAtoms,
  planProxy,
  probe,
  proxyDimensions,
  resolveFfmpeg,
  type FfmpegBins,
  type Probe,
  type ProxyProgress,
} from '../src/media/index.ts';
import { cutFrames, frameCount, generate, generateBroken } from './helpers/media/index.ts';

const run = promisify(execFile);
let bins: FfmpegBins;
let tmp: string;

before(async () => {
  bins = await resolveFfmpeg();
  tmp = await mkdtemp(path.join(tmpdir(), 'heaters-media-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A real wrapper process around ffmpeg that records each invocation (pid + args) to a log. */
async function countingFfmpeg(name: string): Promise<{ bin: string; invocations: () => Promise<string[]> }> {
  const log = path.join(tmp, `${name}.log`);
  const bin = path.join(tmp, `${name}-ffmpeg`);
  await writeFile(log, '');
  await writeFile(bin, `#!/bin/sh\necho "$$ $*" >> '${log}'\nexec '${bins.ffmpeg}' "$@"\n`);
  await chmod(bin, 0o755);
  return { bin, invocations: async () => (await readFile(log, 'utf8')).split('\n').filter(Boolean) };
}

/** md5 of the compressed packets of one stream: equal before/after means no re-encode. */
async function streamMd5(file: string, stream: string): Promise<string> {
  const { stdout } = await run(bins.ffmpeg, ['-v', 'error', '-i', file, '-map', stream, '-c', 'copy', '-f', 'md5', '-']);
  return stdout.trim();
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

function isMediaErr(code: string, msg?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof MediaError, `expected MediaError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (msg) assert.match(e.message, msg);
    return true;
  };
}

describe('resolveFfmpeg', () => {
  it('finds ffmpeg and ffprobe on PATH when nothing is configured (ffmpeg-static is absent)', async () => {
    clearFfmpegCache();
    const r = await resolveFfmpeg({}, { PATH: process.env.PATH });
    assert.equal(r.source, 'path');
    assert.equal(path.basename(r.ffmpeg), 'ffmpeg');
    assert.equal(path.basename(r.ffprobe), 'ffprobe');
    assert.strictEqual(await resolveFfmpeg({}, { PATH: process.env.PATH }), r, 'cached');
  });

  it('an env override wins over PATH, and explicit config wins over env', async () => {
    const wrapper = await countingFfmpeg('resolve');
    const env = { PATH: process.env.PATH, FFMPEG_PATH: wrapper.bin, FFPROBE_PATH: bins.ffprobe };
    const r = await resolveFfmpeg({}, env);
    assert.deepEqual(r, { ffmpeg: wrapper.bin, ffprobe: bins.ffprobe, source: 'env' });
    const r2 = await resolveFfmpeg({ ffmpegPath: bins.ffmpeg }, env);
    assert.equal(r2.ffmpeg, bins.ffmpeg);
    assert.equal(r2.source, 'env');
  });

  it('a nonexistent override is a clear error naming the path', async () => {
    const missing = path.join(tmp, 'no-such-ffmpeg');
    await assert.rejects(
      resolveFfmpeg({}, { PATH: process.env.PATH, FFMPEG_PATH: missing }),
      isMediaErr('ffmpeg_not_found', new RegExp(`FFMPEG_PATH.*${missing}`)),
    );
  });

  it('nothing on PATH: the error lists every place tried', async () => {
    const empty = path.join(tmp, 'empty-bin');
    await assert.rejects(
      resolveFfmpeg({}, { PATH: `${empty}:${tmp}` }),
      isMediaErr('ffmpeg_not_found', new RegExp(`ffmpeg-static.*${empty}/ffmpeg.*${tmp}/ffmpeg`)),
    );
  });
});

describe('probe', () => {
  it('normalizes an H.264/AAC MP4', async () => {
    const p = await probe(await generate({ kind: 'h264_aac_mp4' }), bins);
    assert.match(p.formatName, /mp4/);
    assert.ok(Math.abs(p.durationS - 3) < 0.1, String(p.durationS));
    assert.ok(p.sizeBytes > 1000);
    assert.ok(p.bitRate && p.bitRate > 0);
    assert.deepEqual(
      { codec: p.video?.codec, w: p.video?.width, h: p.video?.height, pix: p.video?.pixFmt, fps: p.video?.fps, n: p.video?.frameCount },
      { codec: 'h264', w: 320, h: 180, pix: 'yuv420p', fps: 25, n: 75 },
    );
    assert.equal(p.video?.rotation, undefined);
    assert.deepEqual(p.audio, { codec: 'aac', channels: 2, sampleRate: 48000 });
  });

  it('normalizes VP9/Opus WebM, a video-only MP4 and HEVC', async () => {
    const w = await probe(await generate({ kind: 'vp9_opus_webm' }), bins);
    assert.equal(w.video?.codec, 'vp9');
    assert.equal(w.video?.fps, 25);
    assert.equal(w.audio?.codec, 'opus');
    const n = await probe(await generate({ kind: 'h264_no_audio_mp4' }), bins);
    assert.equal(n.video?.codec, 'h264');
    assert.equal(n.audio, null);
    const h = await probe(await generate({ kind: 'hevc_or_high_res' }), bins);
    assert.equal(h.video?.codec, 'hevc');
  });

  it('reports rotation from the display matrix', async () => {
    const src = await generate({ kind: 'h264_no_audio_mp4', durationS: 1 });
    const rotated = path.join(tmp, 'rotated.mp4');
    await run(bins.ffmpeg, ['-v', 'error', '-i', src, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', '-y', rotated]);
    const p = await probe(rotated, bins);
    assert.equal(p.video?.rotation, 90);
    assert.deepEqual(proxyDimensions(p.video!), { width: 180, height: 320 });
    // ffmpeg applies the rotation while decoding, so the encoded proxy is upright and portrait.
    const dst = path.join(tmp, 'rotated-proxy.mp4');
    await makeProxy({ src: rotated, dst, probe: p, mode: 'encode', bins });
    const out = await probe(dst, bins);
    assert.deepEqual([out.video?.width, out.video?.height, out.video?.rotation], [180, 320, undefined]);
    // A remux keeps the display matrix: players still rotate it.
    const copied = path.join(tmp, 'rotated-remux.mp4');
    await makeProxy({ src: rotated, dst: copied, probe: p, mode: 'remux', bins });
    assert.equal((await probe(copied, bins)).video?.rotation, 90);
  });

  it('typed errors: empty, text, HTML, image, truncated MP4 (both layouts), audio only, missing', async () => {
    await assert.rejects(probe(await generateBroken('empty'), bins), isMediaErr('empty_file'));
    await assert.rejects(probe(await generateBroken('text'), bins), isMediaErr('not_a_video'));
    await assert.rejects(probe(await generateBroken('html'), bins), isMediaErr('not_a_video'));
    await assert.rejects(probe(await generateBroken('png'), bins), isMediaErr('not_a_video'));
    await assert.rejects(probe(await generateBroken('truncated_mp4'), bins), isMediaErr('corrupt', /moov/));
    await assert.rejects(probe(await generateBroken('truncated_faststart_mp4'), bins), isMediaErr('corrupt', /truncated/));
    await assert.rejects(probe(await generate({ kind: 'audio_only_m4a' }), bins), isMediaErr('no_video_stream'));
    await assert.rejects(probe(path.join(tmp, 'nope.mp4'), bins), isMediaErr('file_missing'));
  });

  it('error messages are redacted', async () => {
    const dir = path.join(tmp, 'password=hunter2secret');
    await rm(dir, { recursive: true, force: true });
    await run('mkdir', ['-p', dir]);
    const f = path.join(dir, 'page.html');
    await writeFile(f, '<html><body>login</body></html>');
    await assert.rejects(probe(f, bins), (e: unknown) => {
      assert.ok(e instanceof MediaError);
      assert.equal(e.code, 'not_a_video');
      assert.doesNotMatch(e.message, /hunter2secret/);
      return true;
    });
  });
});

describe('planProxy', () => {
  const base: Probe = {
    formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
    durationS: 10,
    sizeBytes: 1000,
    video: { codec: 'h264', width: 1920, height: 1080, pixFmt: 'yuv420p', fps: 30 },
    audio: { codec: 'aac', channels: 2, sampleRate: 48000 },
  };
  const withVideo = (v: Partial<NonNullable<Probe['video']>>): Probe => ({ ...base, video: { ...base.video!, ...v } });

  it('remuxes browser-friendly H.264/AAC up to 1080p, with or without audio', () => {
    assert.deepEqual(planProxy(base), { mode: 'remux', reasons: [] });
    assert.equal(planProxy({ ...base, audio: null }).mode, 'remux');
    assert.equal(planProxy(withVideo({ pixFmt: 'yuvj420p' })).mode, 'remux');
    assert.equal(planProxy({ ...base, formatName: 'matroska,webm' }).mode, 'remux');
  });

  it('encodes anything else and says why', () => {
    const cases: [Probe, RegExp][] = [
      [withVideo({ codec: 'vp9' }), /vp9/],
      [withVideo({ codec: 'hevc' }), /hevc/],
      [withVideo({ pixFmt: 'yuv444p' }), /yuv444p/],
      [withVideo({ pixFmt: 'yuv420p10le' }), /yuv420p10le/],
      [withVideo({ height: 1440, width: 2560 }), /2560x1440 is larger than 1080p/],
      [withVideo({ width: 2048, height: 858 }), /2048x858/],
      [withVideo({ width: 1440, height: 2560 }), /1440x2560/],
      [{ ...base, audio: { codec: 'opus', channels: 2, sampleRate: 48000 } }, /opus/],
      [{ ...base, video: null }, /no video/],
    ];
    for (const [p, why] of cases) {
      const plan = planProxy(p);
      assert.equal(plan.mode, 'encode', JSON.stringify(p.video));
      assert.match(plan.reasons.join('; '), why);
    }
    assert.equal(planProxy({ ...withVideo({ codec: 'vp9' }), audio: { codec: 'opus', channels: 2, sampleRate: 1 } }).reasons.length, 2);
  });

  it('portrait 1080p (1080x1920) is 1080p: remuxed', () => {
    assert.equal(planProxy(withVideo({ width: 1080, height: 1920 })).mode, 'remux');
  });

  it('proxy dimensions fit 1080p in either orientation, keep aspect, stay even, never upscale', () => {
    assert.deepEqual(proxyDimensions({ width: 3840, height: 2160 }), { width: 1920, height: 1080 });
    assert.deepEqual(proxyDimensions({ width: 2560, height: 1440 }), { width: 1920, height: 1080 });
    assert.deepEqual(proxyDimensions({ width: 321, height: 181 }), { width: 320, height: 180 });
    assert.deepEqual(proxyDimensions({ width: 1080, height: 1920 }), { width: 1080, height: 1920 });
    assert.deepEqual(proxyDimensions({ width: 2160, height: 3840 }), { width: 1080, height: 1920 });
    assert.deepEqual(proxyDimensions({ width: 4096, height: 1716 }), { width: 1920, height: 804 });
  });

  it('plans match generated media', async () => {
    assert.equal(planProxy(await probe(await generate({ kind: 'h264_aac_mp4' }), bins)).mode, 'remux');
    assert.equal(planProxy(await probe(await generate({ kind: 'h264_no_audio_mp4' }), bins)).mode, 'remux');
    assert.equal(planProxy(await probe(await generate({ kind: 'vp9_opus_webm' }), bins)).mode, 'encode');
    assert.equal(planProxy(await probe(await generate({ kind: 'hevc_or_high_res' }), bins)).mode, 'encode');
    const p444 = await probe(await generate({ kind: 'hevc_or_high_res', variant: 'h264_444' }), bins);
    assert.deepEqual(planProxy(p444).reasons, ['pixel format yuv444p is not yuv420p']);
  });
});

describe('makeProxy', () => {
  it('remux: stream copy (same packets), faststart, 0 encode passes, one ffmpeg process', async () => {
    const src = await generate({ kind: 'h264_aac_mp4', faststart: false });
    assert.equal(isFaststart(await mp4TopLevelAtoms(src)), false, 'source is not faststart');
    const p = await probe(src, bins);
    const ff = await countingFfmpeg('remux');
    const dst = path.join(tmp, 'remux', 'proxy.mp4');
    const seen: ProxyProgress[] = [];
    const r = await makeProxy({ src, dst, probe: p, mode: 'remux', bins: { ffmpeg: ff.bin }, onProgress: (x) => seen.push(x) });
    assert.equal(r.mode, 'remux');
    assert.equal(r.encodePasses, 0);
    assert.equal(r.proxyPath, dst);
    assert.equal(r.masterPath, undefined);
    assert.equal((await ff.invocations()).length, 1);
    assert.equal(await exists(`${dst}.part`), false);

    const atoms = await mp4TopLevelAtoms(dst);
    assert.ok(isFaststart(atoms), atoms.map((a) => a.type).join(','));
    const out = await probe(dst, bins);
    assert.equal(out.video?.codec, 'h264');
    assert.equal(out.video?.frameCount, 75);
    assert.equal(out.audio?.codec, 'aac');
    assert.equal(await streamMd5(dst, '0:v:0'), await streamMd5(src, '0:v:0'));
    assert.equal(await streamMd5(dst, '0:a:0'), await streamMd5(src, '0:a:0'));
    assert.equal(seen.at(-1)?.percent, 100);
  });

  it('encode VP9/Opus: exactly one ffmpeg process, H.264/AAC yuv420p proxy with progress to 100%', async () => {
    const src = await generate({ kind: 'vp9_opus_webm', durationS: 4 });
    const p = await probe(src, bins);
    const ff = await countingFfmpeg('vp9');
    const dst = path.join(tmp, 'vp9', 'proxy.mp4');
    const seen: ProxyProgress[] = [];
    const r = await makeProxy({
      src, dst, probe: p, mode: 'encode', bins: { ffmpeg: ff.bin },
      onProgress: (x) => seen.push(x), progressIntervalMs: 0,
    });
    assert.equal(r.encodePasses, 1);
    assert.equal((await ff.invocations()).length, 1);
    const out = await probe(dst, bins);
    assert.equal(out.video?.codec, 'h264');
    assert.equal(out.video?.pixFmt, 'yuv420p');
    assert.deepEqual([out.video?.width, out.video?.height], [320, 180]);
    assert.equal(out.audio?.codec, 'aac');
    assert.ok(out.audio && out.audio.channels <= 2);
    assert.ok(Math.abs(out.durationS - p.durationS) < 0.2);
    assert.ok(isFaststart(await mp4TopLevelAtoms(dst)));
    assert.equal(planProxy(out).mode, 'remux', 'the proxy needs no further work');

    assert.ok(seen.length >= 2, `progress calls: ${seen.length}`);
    const last = seen.at(-1)!;
    assert.equal(last.percent, 100);
    assert.ok(last.outTimeS > 3.5, String(last.outTimeS));
    assert.ok(last.frame >= 90, String(last.frame));
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]!.percent >= seen[i - 1]!.percent, 'monotonic');
  });

  it('encode > 1080p: scaled into 1920x1080 keeping aspect', async () => {
    const src = await generate({ kind: 'hevc_or_high_res', variant: 'high_res', durationS: 1 });
    const p = await probe(src, bins);
    assert.equal(planProxy(p).mode, 'encode');
    const dst = path.join(tmp, 'hires', 'proxy.mp4');
    await makeProxy({ src, dst, probe: p, mode: 'encode', bins });
    const out = await probe(dst, bins);
    assert.deepEqual([out.video?.codec, out.video?.width, out.video?.height], ['h264', 1920, 1080]);
  });

  it('encode + FFV1 master + extra output, all from one ffmpeg invocation', async () => {
    const src = await generate({ kind: 'hevc_or_high_res', durationS: 2 });
    const p = await probe(src, bins);
    const ff = await countingFfmpeg('master');
    const dst = path.join(tmp, 'master', 'proxy.mp4');
    const master = path.join(tmp, 'master', 'master.mkv');
    const raw = path.join(tmp, 'master', 'analysis.gray');
    const r = await makeProxy({
      src, dst, probe: p, mode: 'encode', master, bins: { ffmpeg: ff.bin },
      extraOutputs: [['-map', '0:v:0', '-vf', 'scale=32:18', '-pix_fmt', 'gray', '-f', 'rawvideo', '-y', raw]],
    });
    assert.equal(r.encodePasses, 2);
    assert.equal(r.masterPath, master);
    const calls = await ff.invocations();
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.split(' -i ').length, 2, 'one input: the source is decoded once');
    const m = await probe(master, bins);
    assert.match(m.formatName, /matroska/);
    assert.equal(m.video?.codec, 'ffv1');
    assert.deepEqual([m.video?.width, m.video?.height], [320, 180]);
    assert.equal(m.audio?.codec, 'flac');
    assert.equal((await probe(dst, bins)).video?.codec, 'h264');
    assert.equal((await stat(raw)).size, 32 * 18 * frameCount({ kind: 'hevc_or_high_res', durationS: 2 }));
  });

  it('remux + master: one invocation, proxy copied, master encoded (1 pass)', async () => {
    const src = await generate({ kind: 'h264_no_audio_mp4' });
    const p = await probe(src, bins);
    const ff = await countingFfmpeg('remux-master');
    const dst = path.join(tmp, 'rm', 'proxy.mp4');
    const master = path.join(tmp, 'rm', 'master.mkv');
    const r = await makeProxy({ src, dst, probe: p, mode: 'remux', master, bins: { ffmpeg: ff.bin } });
    assert.equal(r.encodePasses, 1);
    assert.equal((await ff.invocations()).length, 1);
    assert.equal(await streamMd5(dst, '0:v:0'), await streamMd5(src, '0:v:0'));
    assert.equal((await probe(master, bins)).video?.codec, 'ffv1');
    assert.equal((await probe(master, bins)).audio, null);
  });

  it('ffmpeg failure → encode_failed with the redacted stderr tail, relayed to the logger, no partial files', async () => {
    const src = await generate({ kind: 'h264_no_audio_mp4' });
    const p = await probe(src, bins);
    const dst = path.join(tmp, 'fail', 'proxy.mp4');
    const lines: string[] = [];
    const logger = pino({ level: 'trace' }, new Writable({ write(chunk, _e, cb) { lines.push(String(chunk)); cb(); } }));
    await assert.rejects(
      makeProxy({
        src, dst, probe: p, mode: 'encode', bins, logger,
        extraOutputs: [['-map', '0:v:0', '-c:v', 'no_such_encoder', '-f', 'null', `/dev/null?token=s3cr3tvalue`]],
      }),
      (e: unknown) => {
        assert.ok(e instanceof MediaError);
        assert.equal(e.code, 'encode_failed');
        assert.match(e.message, /no_such_encoder/);
        assert.doesNotMatch(e.message, /s3cr3tvalue/);
        return true;
      },
    );
    assert.ok(lines.some((l) => l.includes('no_such_encoder')), 'stderr relayed through the logger');
    // ffmpeg quotes the input path in its error: a credential in it must not survive.
    await assert.rejects(
      makeProxy({ src: path.join(tmp, 'gone?password=hunter2secret.mp4'), dst, probe: p, mode: 'encode', bins, logger }),
      isMediaErr('encode_failed', /No such file/),
    );
    await assert.rejects(
      makeProxy({ src: path.join(tmp, 'gone?password=hunter2secret.mp4'), dst, probe: p, mode: 'encode', bins }),
      (e: unknown) => e instanceof MediaError && !e.message.includes('hunter2secret'),
    );
    assert.ok(!lines.join('').includes('hunter2secret'), 'logged lines are scrubbed too');
    assert.equal(await exists(dst), false);
    assert.equal(await exists(`${dst}.part`), false);
  });

  it('AbortSignal cancels: ffmpeg is killed, nothing is left behind', async () => {
    const src = await generate({ kind: 'h264_aac_mp4', width: 1280, height: 720, durationS: 10 });
    const p = await probe(src, bins);
    const ff = await countingFfmpeg('cancel');
    const dst = path.join(tmp, 'cancel', 'proxy.mp4');
    const master = path.join(tmp, 'cancel', 'master.mkv');
    const ac = new AbortController();
    const started = performance.now();
    let progressAtAbort: ProxyProgress | undefined;
    await assert.rejects(
      makeProxy({
        src, dst, probe: p, mode: 'encode', master, bins: { ffmpeg: ff.bin }, signal: ac.signal, progressIntervalMs: 0,
        onProgress: (x) => {
          if (progressAtAbort) return;
          progressAtAbort = x;
          ac.abort(new Error('test cancel'));
        },
      }),
      isMediaErr('cancelled'),
    );
    assert.ok(progressAtAbort && progressAtAbort.percent < 100, JSON.stringify(progressAtAbort));
    const [line] = await ff.invocations();
    const pid = Number(line!.split(' ')[0]);
    assert.throws(() => process.kill(pid, 0), /ESRCH/, 'ffmpeg process is gone');
    assert.ok(performance.now() - started < 15_000);
    for (const f of [dst, `${dst}.part`, master, `${master}.part`]) assert.equal(await exists(f), false, f);
    await assert.rejects(
      makeProxy({ src, dst, probe: p, mode: 'encode', bins, signal: ac.signal }),
      isMediaErr('cancelled'),
      'already-aborted signal',
    );
  });
});

describe('keyframeTimes', () => {
  it('fixed GOP H.264: one keyframe per GOP', async () => {
    const spec = { kind: 'h264_aac_mp4', durationS: 4, gop: 25, cutsAtS: [1.5] } as const;
    assert.deepEqual(cutFrames(spec), [38]);
    const times = await keyframeTimes(await generate(spec), bins);
    assert.deepEqual(times, [0, 1, 2, 3]);
  });

  it('VP9 WebM and the encoded proxy', async () => {
    const src = await generate({ kind: 'vp9_opus_webm', durationS: 3, gop: 50 });
    const times = await keyframeTimes(src, bins);
    assert.equal(times.length, 2);
    assert.ok(Math.abs(times[0]!) < 0.05 && Math.abs(times[1]! - 2) < 0.05, times.join(','));
    const p = await probe(src, bins);
    const dst = path.join(tmp, 'kf', 'proxy.mp4');
    await makeProxy({ src, dst, probe: p, mode: 'encode', bins });
    const proxyTimes = await keyframeTimes(dst, bins);
    assert.equal(proxyTimes[0], 0);
    assert.ok(proxyTimes.includes(2), `proxy GOP is 2 s: ${proxyTimes.join(',')}`);
  });

  it('not a video → typed error', async () => {
    await assert.rejects(keyframeTimes(await generateBroken('html'), bins), isMediaErr('probe_failed'));
  });
});
