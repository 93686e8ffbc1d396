// The review page's Export buttons (served at /review/export.js by src/export/http.ts, loaded by the
// review page after its own script). Uses the page's extension point (window.HeatersReview.buttons):
//   Export (E): a frame-accurate export of the current clip; follows it until done, then says where
//               the file is (its store URI), its frames and how many were re-encoded;
//   EDL / OTIO: the video's clips as an edit list, downloaded (approved clips; all if none approved).
'use strict';
(() => {
  const ext = (window.HeatersReview = window.HeatersReview || { buttons: [] });
  ext.buttons = ext.buttons || [];
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  async function exportClip(ctx) {
    if (!ctx.clip) return ctx.say('no clip', 'refused');
    let { export: x } = await ctx.api('POST', `/api/clips/${ctx.clip.id}/export`, { mode: 'exact' });
    const started = Date.now();
    while (x.state !== 'done' && x.state !== 'failed' && Date.now() - started < 30 * 60_000) {
      ctx.say(`export: ${x.state}${x.percent !== null ? ` ${x.percent.toFixed(0)} %` : ''}`);
      await sleep(500);
      ({ export: x } = await ctx.api('GET', `/api/exports/${x.id}`));
    }
    if (x.state === 'failed') return ctx.say(`export failed: ${x.errorCode}: ${x.errorMessage || ''}`, 'refused');
    ctx.say(`exported ${x.frames} frames (${x.reencodedFrames} re-encoded, ${x.method}) → ${x.storeUri}`, 'ok');
  }

  async function editList(ctx, format) {
    if (!ctx.video) return ctx.say('no video', 'refused');
    const token = sessionStorage.getItem('heaters.token');
    const headers = token ? { authorization: `Bearer ${token}` } : {};
    const url = (state) => `/api/videos/${ctx.video.id}/timeline?format=${format}&state=${state}`;
    let state = 'approved';
    let text = await (await fetch(url(state), { headers })).text();
    // Nothing approved yet: the whole video's clips instead.
    if ((format === 'edl' && !/^001 /m.test(text)) || (format === 'otio' && !text.includes('"Clip.2"'))) {
      state = 'all';
      text = await (await fetch(url(state), { headers })).text();
    }
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type: format === 'edl' ? 'text/plain' : 'application/json' }));
    a.download = `${ctx.video.id}.${format}`;
    document.body.append(a);
    a.click();
    a.remove();
    ctx.say(`${format.toUpperCase()} of the ${state} clips downloaded`, 'ok');
  }

  ext.buttons.push(
    { label: 'Export', key: 'e', title: 'export this clip, frame-accurate (E)', run: exportClip },
    { label: 'EDL', title: "the video's clips as a CMX3600 EDL", run: (ctx) => editList(ctx, 'edl') },
    { label: 'OTIO', title: "the video's clips as OpenTimelineIO", run: (ctx) => editList(ctx, 'otio') },
  );
  if (typeof ext.refresh === 'function') ext.refresh();
})();
