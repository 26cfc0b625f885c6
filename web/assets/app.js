// app.js: the single-page UI. Routes live in the hash (#/, #/jobs/ID,
// #/keys); the API key never goes into a URL.
import { api, upload, session, APIError } from './api.js';

const $ = id => document.getElementById(id);
const ACTIVE = new Set(['queued', 'processing']);
const state = { jobs: [], cursor: null, listTimer: 0, jobTimer: 0, job: null, admin: false };

function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k);
  return e;
}
const fmtTime = s => new Date(s).toLocaleString();
function fmtTS(sec) {
  const ms = Math.round(sec * 1000), h = Math.floor(ms / 3600000), m = Math.floor(ms / 60000) % 60;
  const s = Math.floor(ms / 1000) % 60, f = ms % 1000;
  return (h ? h + ':' : '') + String(m).padStart(2, '0') + ':' + String(s).padStart(2, '0') + '.' + String(f).padStart(3, '0');
}
const fmtDur = s => s == null ? '' : s < 60 ? s.toFixed(1) + ' s' : (s / 60).toFixed(1) + ' min';
const badge = st => el('span', { class: 'badge b-' + st, text: st });
// localURL keeps a server URL on this page's origin (PublicURL may name
// another host for the same server).
function localURL(u) { try { const x = new URL(u, location.href); return x.pathname + x.search; } catch { return u; } }
function showError(id, err) { $(id).textContent = err ? (err.message || String(err)) : ''; }

function show(view) {
  for (const v of ['signin', 'home', 'job', 'keys']) $('view-' + v).hidden = v !== view;
}
function stopTimers() { clearTimeout(state.listTimer); clearTimeout(state.jobTimer); state.listTimer = state.jobTimer = 0; }

async function route() {
  stopTimers();
  if (!session.key) { $('nav').hidden = true; show('signin'); $('signin-key').focus(); return; }
  $('nav').hidden = false;
  refreshUsage();
  const h = location.hash;
  let m;
  if ((m = h.match(/^#\/jobs\/([\w-]+)$/))) { show('job'); loadJob(m[1], true); }
  else if (h === '#/keys') { show('keys'); loadKeys(); }
  else { show('home'); loadJobs(true); }
}

// Sign in / out.
$('signin-form').addEventListener('submit', async e => {
  e.preventDefault();
  const key = $('signin-key').value.trim();
  showError('signin-error');
  try {
    await api('GET', '/v1/usage', undefined, key);
    session.set(key);
    $('signin-key').value = '';
    await detectAdmin();
    route();
  } catch (err) { showError('signin-error', err); }
});
$('signout').addEventListener('click', () => {
  session.clear(); state.admin = false; $('nav-keys').hidden = true; stopTimers();
  location.hash = '#/'; route();
});
async function detectAdmin() {
  try { await api('GET', '/v1/keys'); state.admin = true; } catch { state.admin = false; }
  $('nav-keys').hidden = !state.admin;
}
async function refreshUsage() {
  try {
    const u = await api('GET', '/v1/usage');
    const hm = sec => sec < 3600 ? (sec / 60).toFixed(1) + ' min' : (sec / 3600).toFixed(2) + ' h';
    if (u.quota_seconds > 0) {
      $('usage-bar').hidden = false; $('usage-bar').max = u.quota_seconds; $('usage-bar').value = Math.min(u.used_seconds, u.quota_seconds);
      $('usage-label').textContent = `Usage ${u.month}: ${hm(u.used_seconds)} of ${hm(u.quota_seconds)}`;
    } else {
      $('usage-bar').hidden = true;
      $('usage-label').textContent = `Usage ${u.month}: ${hm(u.used_seconds)} (no quota)`;
    }
  } catch (err) { if (err instanceof APIError && err.status === 401) signedOut(err); }
}
function signedOut(err) { session.clear(); route(); showError('signin-error', err); }

// New transcription.
const drop = $('drop'), fileInput = $('new-file');
let droppedFile = null;
function fileChosen(f) { droppedFile = f; $('drop-name').textContent = f ? 'Selected: ' + f.name + ' (' + (f.size / 1e6).toFixed(2) + ' MB)' : ''; }
fileInput.addEventListener('change', () => fileChosen(fileInput.files[0] || null));
drop.addEventListener('dragover', e => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', e => {
  e.preventDefault(); drop.classList.remove('over');
  if (e.dataTransfer.files.length) { fileInput.value = ''; fileChosen(e.dataTransfer.files[0]); }
});
drop.addEventListener('keydown', e => { if (e.target === drop && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); fileInput.click(); } });
$('new-speakers').addEventListener('change', e => { $('new-speakers-expected').disabled = !e.target.checked; });
$('new-summary').addEventListener('change', e => { $('new-summary-type').disabled = !e.target.checked; });

$('new-form').addEventListener('submit', async e => {
  e.preventDefault();
  showError('new-error');
  const fd = new FormData();
  const file = droppedFile, url = $('new-url').value.trim();
  if (!file && !url) { showError('new-error', new Error('Choose a file or enter a URL.')); return; }
  const val = id => $(id).value.trim();
  if (val('new-language')) fd.append('language', val('new-language'));
  if ($('new-translate').checked) fd.append('translate', 'true');
  if ($('new-speakers').checked) {
    fd.append('speaker_labels', 'true');
    if (val('new-speakers-expected')) fd.append('speakers_expected', val('new-speakers-expected'));
  }
  if ($('new-summary').checked) {
    fd.append('summary', 'true');
    if (val('new-summary-type')) fd.append('summary_type', val('new-summary-type'));
  }
  if ($('new-retain').checked) fd.append('retain_audio', 'true');
  for (const term of val('new-vocabulary').split(',').map(s => s.trim()).filter(Boolean)) fd.append('vocabulary', term);
  if (val('new-prompt')) fd.append('prompt', val('new-prompt'));
  if (val('new-callback')) fd.append('callback_url', val('new-callback'));
  if ($('new-secret').value) fd.append('callback_secret', $('new-secret').value);
  if (url) fd.append('url', url);
  if (file) fd.append('file', file, file.name);
  const bar = $('new-progress'), txt = $('new-progress-text'), btn = $('new-submit');
  bar.hidden = false; bar.value = 0; btn.disabled = true; txt.textContent = file ? 'Uploading…' : 'Submitting…';
  try {
    const job = await upload(fd, p => { bar.value = Math.round(p * 100); txt.textContent = 'Uploading ' + bar.value + ' %'; });
    bar.value = 100; txt.textContent = 'Queued ' + job.id;
    $('new-form').reset(); fileChosen(null); $('new-retain').checked = true;
    $('new-speakers-expected').disabled = $('new-summary-type').disabled = true;
    loadJobs(true);
  } catch (err) { txt.textContent = ''; bar.hidden = true; showError('new-error', err); }
  finally { btn.disabled = false; }
});

// Jobs list.
$('filter').addEventListener('change', () => loadJobs(true));
$('more').addEventListener('click', () => loadJobs(false));
function listQuery(limit, cursor) {
  const q = new URLSearchParams({ limit: String(limit) });
  if ($('filter').value) q.set('status', $('filter').value);
  if (cursor) q.set('cursor', cursor);
  return '/v1/transcriptions?' + q;
}
async function loadJobs(reset) {
  clearTimeout(state.listTimer);
  showError('list-error');
  try {
    if (reset) {
      const p = await api('GET', listQuery(20));
      state.jobs = p.data; state.cursor = p.next_cursor;
    } else {
      const p = await api('GET', listQuery(20, state.cursor));
      state.jobs = state.jobs.concat(p.data); state.cursor = p.next_cursor;
    }
    renderJobs();
  } catch (err) {
    if (err instanceof APIError && err.status === 401) { signedOut(err); return; }
    showError('list-error', err);
  }
  schedulePoll();
}
function schedulePoll() {
  if ($('view-home').hidden) return;
  if (state.jobs.some(j => ACTIVE.has(j.status))) state.listTimer = setTimeout(pollJobs, 1000);
}
// pollJobs refreshes the loaded rows in place, without losing later pages.
async function pollJobs() {
  try {
    const n = Math.min(100, Math.max(20, state.jobs.length));
    const p = await api('GET', listQuery(n));
    const fresh = new Map(p.data.map(j => [j.id, j]));
    const known = new Set(state.jobs.map(j => j.id));
    const added = p.data.filter(j => !known.has(j.id));
    state.jobs = added.concat(state.jobs.map(j => fresh.get(j.id) || j));
    renderJobs();
  } catch (err) { showError('list-error', err); }
  schedulePoll();
}
function renderJobs() {
  const tb = $('jobs').tBodies[0];
  tb.replaceChildren(...state.jobs.map(j => {
    const src = j.source.filename || j.source.url || j.source.type;
    const prog = el('td');
    if (ACTIVE.has(j.status)) {
      prog.append(el('progress', { max: '100', value: String(j.progress), 'aria-label': 'Progress ' + src }), ' ' + j.progress + ' % ' + (j.stage || ''));
    } else if (j.status === 'completed') prog.textContent = '100 %';
    const link = el('a', { href: '#/jobs/' + j.id, text: src });
    const tr = el('tr', { 'data-id': j.id, 'data-status': j.status },
      el('td', { text: fmtTime(j.created_at) }), el('td', {}, link), el('td', {}, badge(j.status)), prog,
      el('td', { text: fmtDur(j.audio_duration) }));
    return tr;
  }));
  $('jobs-empty').hidden = state.jobs.length > 0;
  $('more').hidden = !state.cursor;
}

// Job detail.
async function loadJob(id, first) {
  clearTimeout(state.jobTimer);
  if (first) { showError('job-error'); $('job-segments').replaceChildren(); resetPlayer(); }
  let j;
  try { j = await api('GET', '/v1/transcriptions/' + encodeURIComponent(id)); }
  catch (err) {
    if (err instanceof APIError && err.status === 401) { signedOut(err); return; }
    showError('job-error', err); return;
  }
  if (location.hash !== '#/jobs/' + id) return;
  state.job = j;
  renderJob(j);
  if (j.callback_url) loadDeliveries(j.id); else $('job-hooks-card').hidden = true;
  if (ACTIVE.has(j.status)) state.jobTimer = setTimeout(() => loadJob(id, false), 1000);
}
function renderJob(j) {
  $('job-title').textContent = j.source.filename || j.source.url || j.id;
  $('job-status').replaceChildren(badge(j.status));
  const meta = [ 'ID ' + j.id, 'created ' + fmtTime(j.created_at) ];
  if (j.audio_duration != null) meta.push('audio ' + fmtDur(j.audio_duration));
  if (j.language) meta.push('language ' + j.language);
  if (ACTIVE.has(j.status)) meta.push((j.stage || j.status) + ' ' + j.progress + ' %');
  $('job-meta').textContent = meta.join(' · ');
  $('job-progress').hidden = !ACTIVE.has(j.status); $('job-progress').value = j.progress;
  showError('job-error', j.error ? new Error(j.error.code + ': ' + j.error.message) : null);
  $('job-cancel').hidden = !ACTIVE.has(j.status);
  $('job-delete').hidden = ACTIVE.has(j.status);
  $('job-copy').hidden = !j.text;
  const dl = $('job-downloads');
  dl.replaceChildren(...Object.entries(j.download_urls || {}).sort().map(([f, u]) =>
    el('a', { href: localURL(u), download: '', 'data-format': f, text: 'Download .' + f })));
  $('job-summary-card').hidden = !j.summary;
  if (j.summary) {
    const s = $('job-summary');
    s.replaceChildren(el('p', { text: j.summary.text }));
    if (j.summary.bullets && j.summary.bullets.length) s.append(el('ul', {}, ...j.summary.bullets.map(b => el('li', { text: b }))));
  }
  renderPlayer(j);
  const segs = j.segments || [];
  $('job-transcript-card').hidden = segs.length === 0 && !j.text;
  $('job-transcript-help').hidden = !segs.length;
  const speakers = new Map((j.speakers || []).map((s, i) => [s.label, i % 8]));
  const names = new Map((j.speakers || []).filter(s => s.name).map(s => [s.label, s.name]));
  const known = new Set((j.speakers || []).map(s => s.label));
  const items = segs.map((s, i) => {
    const at = el('button', { type: 'button', class: 'seek', 'data-seg': String(i), 'aria-label': 'Play from ' + fmtTS(s.start) },
      el('time', { text: fmtTS(s.start) + ' – ' + fmtTS(s.end) }));
    const li = el('li', { 'data-start': String(s.start), 'data-end': String(s.end) }, at);
    const p = el('p', { class: 'seg' });
    if (s.speaker) {
      if (!speakers.has(s.speaker)) speakers.set(s.speaker, speakers.size % 8);
      const cls = 'spk spk-' + speakers.get(s.speaker);
      const name = names.get(s.speaker) || s.speaker;
      p.append(known.has(s.speaker)
        ? el('button', { type: 'button', class: cls + ' rename', 'data-label': s.speaker, 'aria-label': 'Rename speaker ' + name, text: name })
        : el('span', { class: cls, text: name }));
    }
    p.append(s.text.trim());
    li.append(p);
    return li;
  });
  if (!segs.length && j.text) items.push(el('li', {}, el('p', { class: 'seg', text: j.text })));
  $('job-segments').replaceChildren(...items);
  highlight();
}

// The player: the retained audio through its signed URL. A click on a
// segment's time seeks there and plays; the segment being played is
// highlighted.
const audioEl = $('job-audio');
function resetPlayer() {
  audioEl.pause(); audioEl.removeAttribute('src'); audioEl.dataset.job = ''; audioEl.load();
  audioEl.hidden = true; $('job-audio-none').hidden = true;
}
function renderPlayer(j) {
  const u = j.download_urls && j.download_urls.audio;
  audioEl.hidden = !u;
  $('job-audio-none').hidden = !!u || j.status !== 'completed';
  // The signed URL changes on every poll (a new expiry); load it once.
  if (u && audioEl.dataset.job !== j.id) { audioEl.dataset.job = j.id; audioEl.src = localURL(u); }
}
function highlight() {
  const t = audioEl.currentTime;
  for (const li of $('job-segments').children) {
    const on = audioEl.dataset.job !== '' && !!audioEl.getAttribute('src') && li.dataset.start !== undefined &&
      t >= Number(li.dataset.start) && t < Number(li.dataset.end);
    li.classList.toggle('current', on);
    if (on) li.setAttribute('aria-current', 'true'); else li.removeAttribute('aria-current');
  }
}
audioEl.addEventListener('timeupdate', highlight);
audioEl.addEventListener('seeked', highlight);

// Segment clicks: seek, or rename a speaker inline.
$('job-segments').addEventListener('click', e => {
  const seek = e.target.closest('button.seek');
  if (seek && !audioEl.hidden) {
    const li = seek.closest('li');
    audioEl.currentTime = Number(li.dataset.start);
    audioEl.play().catch(() => { /* autoplay refused: the seek stands */ });
    return;
  }
  const spk = e.target.closest('button.rename');
  if (spk) startRename(spk);
});
function startRename(btn) {
  const label = btn.dataset.label;
  const input = el('input', { class: 'spk-edit', value: btn.textContent === label ? '' : btn.textContent,
    placeholder: 'Speaker ' + label, maxlength: '64', 'aria-label': 'Name for speaker ' + label });
  btn.replaceWith(input);
  input.focus();
  let done = false;
  const finish = async save => {
    if (done) return;
    done = true;
    if (!save) { renderJob(state.job); return; }
    const name = input.value.trim();
    showError('job-error');
    try {
      const j = await api('PATCH', '/v1/transcriptions/' + state.job.id, { speaker_names: { [label]: name || null } });
      state.job = j; renderJob(j);
    } catch (err) { renderJob(state.job); showError('job-error', err); }
  };
  input.addEventListener('keydown', ev => {
    if (ev.key === 'Enter') { ev.preventDefault(); finish(true); }
    else if (ev.key === 'Escape') finish(false);
  });
  input.addEventListener('blur', () => finish(true));
}
async function loadDeliveries(id) {
  $('job-hooks-card').hidden = false;
  showError('hooks-error');
  try {
    const r = await api('GET', '/v1/transcriptions/' + id + '/deliveries');
    const rows = [];
    for (const d of r.data) {
      if (!d.attempts.length) rows.push(el('tr', {}, el('td', { text: fmtTime(d.created_at) }), el('td', { text: d.event }), el('td', { text: d.state }), el('td'), el('td')));
      for (const a of d.attempts) {
        rows.push(el('tr', {}, el('td', { text: fmtTime(a.at) }), el('td', { text: d.event }),
          el('td', { text: a.status_code == null ? d.state : String(a.status_code) }),
          el('td', { text: a.duration_ms.toFixed(0) + ' ms' }), el('td', { text: a.error || '' })));
      }
    }
    $('hooks').tBodies[0].replaceChildren(...rows);
  } catch (err) { showError('hooks-error', err); }
}
$('job-redeliver').addEventListener('click', async () => {
  try { await api('POST', '/v1/transcriptions/' + state.job.id + '/deliveries'); setTimeout(() => loadDeliveries(state.job.id), 500); }
  catch (err) { showError('hooks-error', err); }
});
$('job-copy').addEventListener('click', async () => {
  try { await navigator.clipboard.writeText(state.job.text || ''); $('job-copied').textContent = 'Copied.'; }
  catch (err) { $('job-copied').textContent = 'Copy failed: ' + err.message; }
});
$('job-cancel').addEventListener('click', async () => {
  if (!confirm('Cancel this transcription?')) return;
  try { await api('DELETE', '/v1/transcriptions/' + state.job.id); loadJob(state.job.id, false); }
  catch (err) { showError('job-error', err); }
});
$('job-delete').addEventListener('click', async () => {
  if (!confirm('Delete this transcription, its transcript and audio?')) return;
  try { await api('DELETE', '/v1/transcriptions/' + state.job.id); location.hash = '#/'; }
  catch (err) { showError('job-error', err); }
});

// Keys (admin).
async function loadKeys() {
  showError('keys-error');
  try {
    const r = await api('GET', '/v1/keys');
    $('keys').tBodies[0].replaceChildren(...r.data.map(k => {
      const act = el('td');
      if (!k.revoked_at) {
        const b = el('button', { type: 'button', class: 'danger', text: 'Revoke', 'aria-label': 'Revoke ' + k.name });
        b.addEventListener('click', async () => {
          if (!confirm('Revoke key ' + k.name + '? Clients using it stop working.')) return;
          try { await api('DELETE', '/v1/keys/' + k.id); loadKeys(); } catch (err) { showError('keys-error', err); }
        });
        act.append(b);
      }
      return el('tr', {}, el('td', { text: k.name }), el('td', {}, el('code', { text: k.id })), el('td', { text: k.admin ? 'yes' : 'no' }),
        el('td', { text: k.quota_seconds ? (k.quota_seconds / 3600).toFixed(2) + ' h' : 'none' }), el('td', { text: fmtTime(k.created_at) }),
        el('td', { text: k.revoked_at ? 'revoked ' + fmtTime(k.revoked_at) : 'active' }), act);
    }));
  } catch (err) { showError('keys-error', err); }
}
$('key-form').addEventListener('submit', async e => {
  e.preventDefault();
  showError('keys-error');
  try {
    const k = await api('POST', '/v1/keys', { name: $('key-name').value.trim(), quota_hours: Number($('key-quota').value) || 0, admin: $('key-admin').checked });
    $('key-new').hidden = false; $('key-new-value').textContent = k.key;
    $('key-form').reset(); loadKeys();
  } catch (err) { showError('keys-error', err); }
});
$('key-copy').addEventListener('click', () => navigator.clipboard.writeText($('key-new-value').textContent).catch(() => {}));

window.addEventListener('hashchange', route);
if (session.key) detectAdmin();
route();
