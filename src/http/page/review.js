// The review page: one clip at a time, the player looping its range, its neighbours beside it, and
// every action on a key. It talks to the JSON API only. The token (when the listener has one) comes
// from ?token= once, is kept in sessionStorage and sent as a header; media URLs carry it as ?token=
// because a <video> element cannot send headers.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  if (params.has('token')) {
    sessionStorage.setItem('heaters.token', params.get('token'));
    params.delete('token');
    history.replaceState(null, '', `${location.pathname}${params.size ? `?${params}` : ''}`);
  }
  const token = sessionStorage.getItem('heaters.token');
  const reviewerInput = $('reviewer');
  reviewerInput.value = params.get('reviewer') || localStorage.getItem('heaters.reviewer') || '';
  reviewerInput.addEventListener('change', () => localStorage.setItem('heaters.reviewer', reviewerInput.value.trim()));
  const reviewer = () => reviewerInput.value.trim();

  const player = $('player');
  const state = { clip: null, video: null, neighbours: [], frame: 0, mediaFor: null, thumbs: null };

  async function api(method, path, body) {
    const headers = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const data = await r.json().catch(() => ({}));
    if (!r.ok) throw Object.assign(new Error(data.message || `HTTP ${r.status}`), { code: data.error || `http_${r.status}` });
    return data;
  }
  const withToken = (url) => (token && url.startsWith('/') ? `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}` : url);

  function say(text, kind = '') {
    const s = $('status');
    s.textContent = text;
    s.className = kind;
  }

  const fps = () => state.video?.fps || 25;
  const setFrame = (f) => {
    const c = state.clip;
    state.frame = Math.max(c.startFrame, Math.min(c.endFrame - 1, f));
    $('frame').textContent = String(state.frame);
  };
  /** Seek to a frame: the middle of its display interval, so the decoder shows exactly that frame. */
  function seekFrame(f) {
    setFrame(f);
    player.currentTime = (state.frame + 0.5) / fps();
    drawHead();
  }

  function drawHead() {
    if (!state.clip || !state.video) return;
    const total = state.video.frameCount || state.clip.endFrame;
    $('range').style.left = `${(100 * state.clip.startFrame) / total}%`;
    $('range').style.width = `${(100 * (state.clip.endFrame - state.clip.startFrame)) / total}%`;
    $('head').style.left = `${(100 * state.frame) / total}%`;
  }

  /** The tile showing time `t` (the last tile at or before it). */
  function tileAt(t) {
    const times = state.thumbs.index.times;
    let i = 0;
    while (i + 1 < times.length && times[i + 1] <= t + 1e-6) i++;
    return i;
  }
  function thumbStyle(el, clip, at = clip ? clip.startS : 0) {
    const t = state.thumbs;
    if (!t) return;
    const i = tileAt(at);
    const col = i % t.index.columns;
    const row = Math.floor(i / t.index.columns);
    const scale = 112 / t.index.width;
    el.style.backgroundImage = `url("${withToken(t.url)}")`;
    el.style.backgroundSize = `${t.index.columns * t.index.width * scale}px auto`;
    el.style.backgroundPosition = `-${col * t.index.width * scale}px -${row * t.index.height * scale}px`;
  }

  function render() {
    const c = state.clip;
    document.body.dataset.clipId = c ? c.id : '';
    document.body.dataset.clipState = c ? c.state : '';
    if (!c) return;
    $('clip-idx').textContent = `#${c.idx}`;
    $('clip-frames').textContent = `${c.startFrame}–${c.endFrame}`;
    $('clip-state').textContent = c.state;
    $('clip-state').className = `state-${c.state}`;
    $('group').textContent = c.groupId ? `group ${c.groupId.slice(0, 8)}` : '';
    $('where').textContent = state.video ? `${state.video.title || state.video.sourceUrl.split('/').pop()} · ${state.video.fps} fps` : '';
    const nav = $('neighbours');
    nav.replaceChildren(
      ...state.neighbours.map((n) => {
        const el = document.createElement('div');
        el.className = `thumb${n.id === c.id ? ' current' : ''}`;
        el.dataset.clipId = n.id;
        const pic = document.createElement('div');
        pic.className = 'pic';
        thumbStyle(pic, n);
        const label = document.createElement('div');
        label.innerHTML = `#${n.idx} <span class="state-${n.state}">${n.state}</span><br>${n.startFrame}–${n.endFrame}`;
        el.append(pic, label);
        return el;
      }),
    );
    drawHead();
  }

  /** Show one clip (by id): its video, neighbours and media. */
  async function show(clipId) {
    const v = await api('GET', `/api/clips/${clipId}`);
    state.clip = v.clip;
    state.video = v.video;
    state.neighbours = v.neighbours;
    if (state.mediaFor !== v.video.id) {
      const m = await api('GET', `/api/videos/${v.video.id}/media`);
      state.mediaFor = v.video.id;
      state.thumbs = m.thumbs;
      if (m.proxy) player.src = withToken(m.proxy.url);
      await new Promise((resolve) => {
        if (player.readyState >= 1) return resolve();
        player.addEventListener('loadedmetadata', resolve, { once: true });
        player.addEventListener('error', () => (say('the proxy cannot be played here', 'refused'), resolve()), { once: true });
      });
    }
    render();
    seekFrame(v.clip.startFrame);
  }

  async function next() {
    if (!reviewer()) {
      say('type your reviewer name first', 'refused');
      reviewerInput.focus();
      return;
    }
    const r = await api('POST', '/api/review/next', { reviewer: reviewer() });
    if (!r.clip) {
      state.clip = null;
      render();
      say('nothing left to review', 'ok');
      return;
    }
    await show(r.clip.id);
  }

  async function act(action, extra = {}) {
    const c = state.clip;
    if (!c) return;
    const r = await api('POST', `/api/clips/${c.id}/${action}`, { reviewer: reviewer(), ...extra });
    say(`${action}${action === 'split' ? ` at frame ${extra.frame}` : ''}: clip #${c.idx} (event ${r.event.id})`, 'ok');
    if (action === 'approve' || action === 'skip' || action === 'archive') return next();
    return show(r.clips[0].id);
  }

  async function replay(which) {
    const r = await api('POST', `/api/review/${which}`, { reviewer: reviewer() });
    say(`${which}: ${r.event.args.action} (event ${r.event.targetEvent})`, 'ok');
    const first = r.clips[0] || state.clip;
    if (first) await show(first.id);
  }

  // Extension point: extra toolbar buttons (and keys). Each: { label, key?, title?, run(ctx) }, where
  // ctx = { clip, video, reviewer, api, say, show }. Another module of the page may push to
  // window.HeatersReview.buttons before or after load; render picks them up.
  const extensions = (window.HeatersReview = window.HeatersReview || { buttons: [] });
  extensions.buttons = extensions.buttons || [];
  const ctx = () => ({ clip: state.clip, video: state.video, reviewer: reviewer(), api, say, show });
  function renderToolbar() {
    $('toolbar').replaceChildren(
      ...extensions.buttons.map((b) => {
        const el = document.createElement('button');
        el.textContent = b.label;
        el.title = b.title || (b.key ? `${b.label} (${b.key})` : b.label);
        el.addEventListener('click', () => run(() => b.run(ctx())));
        return el;
      }),
    );
  }
  extensions.refresh = renderToolbar;

  async function run(fn) {
    try {
      await fn();
    } catch (err) {
      say(`refused: ${err.code}: ${err.message}`, 'refused');
    }
  }

  // Hover scrubbing: the strip's tile under the pointer on the bar.
  const hover = document.createElement('div');
  hover.id = 'hover';
  hover.className = 'pic';
  hover.hidden = true;
  $('bar').append(hover);
  $('bar').addEventListener('mousemove', (e) => {
    if (!state.thumbs || !state.video) return;
    const r = $('bar').getBoundingClientRect();
    const frac = Math.max(0, Math.min(1, (e.clientX - r.left) / r.width));
    const t = frac * ((state.video.frameCount || 1) / fps());
    thumbStyle(hover, null, t);
    hover.style.left = `${Math.min(r.width - 112, Math.max(0, e.clientX - r.left - 56))}px`;
    hover.hidden = false;
  });
  $('bar').addEventListener('mouseleave', () => (hover.hidden = true));

  // Looping the clip's range, and the frame counter while playing.
  player.addEventListener('timeupdate', () => {
    const c = state.clip;
    if (!c) return;
    if (!player.paused && player.currentTime >= c.endS - 0.5 / fps()) player.currentTime = c.startS;
    if (!player.paused) setFrame(Math.floor(player.currentTime * fps() + 1e-3));
    drawHead();
  });

  document.addEventListener('keydown', (e) => {
    if (e.target === reviewerInput) {
      if (e.key === 'Enter') {
        reviewerInput.dispatchEvent(new Event('change'));
        reviewerInput.blur();
        run(next);
      }
      return;
    }
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    let handled = true;
    if (mod && key === 'z') run(() => replay(e.shiftKey ? 'redo' : 'undo'));
    else if (mod) handled = false;
    else if (key === 'a') run(() => act('approve'));
    else if (key === 's') run(() => act('skip'));
    else if (key === 'r') run(() => act('archive'));
    else if (key === 'g') run(() => act('group'));
    else if (key === 'm') run(() => act('merge'));
    else if (key === 'Enter') run(() => act('split', { frame: state.frame }));
    else if (key === ' ') {
      if (player.paused) player.play().catch((err) => say(`cannot play: ${err.message}`, 'refused'));
      else {
        player.pause();
        seekFrame(Math.floor(player.currentTime * fps() + 1e-3));
      }
    } else if (key === 'ArrowRight' || key === 'ArrowLeft') {
      player.pause();
      seekFrame(state.frame + (key === 'ArrowRight' ? 1 : -1) * (e.shiftKey ? 10 : 1));
    } else if (key === '?') $('help').hidden = !$('help').hidden;
    else if (key === 'Escape') $('help').hidden = true;
    else {
      const b = extensions.buttons.find((x) => x.key && x.key.toLowerCase() === key);
      if (b) run(() => b.run(ctx()));
      else handled = false;
    }
    if (handled) e.preventDefault();
  });
  $('help-button').addEventListener('click', () => ($('help').hidden = !$('help').hidden));

  // Keep the lease while the page is open.
  setInterval(() => {
    if (state.clip && state.clip.state === 'pending' && reviewer())
      api('POST', '/api/review/lease', { reviewer: reviewer(), clipId: state.clip.id }).catch((err) => say(`lease: ${err.message}`, 'refused'));
  }, 30_000);

  renderToolbar();
  run(next);
})();
