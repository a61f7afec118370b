// Organizer dashboard: /dashboard?event=EVENT. The wall's figures plus tables for categories,
// days, zones, desks, recent rejected scans and the exports.
import 'uplot/dist/uPlot.min.css';
import './dashboard.css';
import { applyDocumentLang, pickLang, strings } from './lib/i18n.js';
import { connectDisplay } from './lib/display_socket.js';
import { createOverview, el } from './lib/overview.js';
import { authHeaders, getToken, setToken } from './lib/auth.js';
import { countryName } from './lib/countries.js';

const params = new URLSearchParams(location.search);
const lang = pickLang(params.get('lang'));
const t = strings(lang);
const event = params.get('event') || '';
applyDocumentLang(lang);
const nf = new Intl.NumberFormat(lang === 'ar' ? 'ar-u-nu-latn' : lang);
const fmt = (v) => (v === undefined || v === null ? '—' : nf.format(v));
const SILENT_AFTER_MS = 120000;
const REJECTED = new Set(['unknown_badge', 'revoked', 'invalid_signature', 'wrong_day', 'not_allowed', 'malformed']);
const $ = (id) => document.getElementById(id);

let totals = null;
const deskSamples = new Map(); // desk → [{at, scans}] for scans per minute from deltas

function table(node, head, rows, numeric = []) {
  const thead = el('thead', {}, el('tr', {}, ...head.map((h, i) => el('th', { class: numeric.includes(i) ? 'num' : '', text: h }))));
  const tbody = el(
    'tbody',
    {},
    ...rows.map((row) =>
      el('tr', row.attrs || {}, ...row.cells.map((c, i) => el('td', { class: numeric.includes(i) ? 'num' : '', text: c }))),
    ),
  );
  if (!rows.length) tbody.append(el('tr', {}, el('td', { class: 'empty', colSpan: head.length, text: 'Nothing yet' })));
  node.replaceChildren(thead, tbody);
}

function ago(ms) {
  if (ms < 0) ms = 0;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  return `${Math.floor(m / 60)} h ${m % 60} min ago`;
}

function renderTables() {
  const tt = totals || {};
  const cats = new Set([...Object.keys(tt.onsite_by_category || {}), ...Object.keys(tt.remote_by_category || {})]);
  const catRows = [...cats]
    .map((c) => ({ c, on: (tt.onsite_by_category || {})[c] || 0, re: (tt.remote_by_category || {})[c] }))
    .sort((a, b) => b.on - a.on || a.c.localeCompare(b.c))
    .map((r) => ({ attrs: { 'data-category': r.c }, cells: [r.c || '(none)', fmt(r.on), fmt(r.re)] }));
  table($('categories'), ['Category', 'On site', 'Remote'], catRows, [1, 2]);

  const days = Object.entries(tt.days || {}).sort(([a], [b]) => a.localeCompare(b));
  table(
    $('days'),
    ['Day', 'On site', 'Countries', 'Remote', 'Peak online'],
    days.map(([day, d]) => ({
      attrs: { 'data-day': day },
      cells: [day, fmt(d.onsite || 0), fmt(Object.keys(d.onsite_by_country || {}).filter((k) => k).length), fmt(d.remote), fmt(d.peak_online)],
    })),
    [1, 2, 3, 4],
  );

  const zones = Object.entries(tt.inside_by_zone || {}).sort(([, a], [, b]) => b - a);
  table($('zones'), ['Zone', 'Inside now'], zones.map(([z, n]) => ({ attrs: { 'data-zone': z }, cells: [z, fmt(n)] })), [1]);

  const statuses = Object.entries(tt.scans_by_status || {}).sort(([, a], [, b]) => b - a);
  table($('statuses'), ['Result', 'Scans'], statuses.map(([s, n]) => ({ attrs: { 'data-status': s }, cells: [s, fmt(n)] })), [1]);
  const peakAt = tt.peak_online_at ? new Date(tt.peak_online_at).toLocaleString() : '';
  table(
    $('people'),
    ['Figure', 'Value'],
    [
      ['participants', 'Unique participants', tt.participants],
      ['onsite', 'On site', tt.onsite ?? 0],
      ['remote', 'Remote', tt.remote],
      ['hybrid', 'Hybrid (both)', tt.hybrid],
      ['online_now', 'Online now', tt.online_now],
      ['peak_online', peakAt ? `Peak online (${peakAt})` : 'Peak online', tt.peak_online],
      ['countries_onsite', 'Countries on site', tt.countries_onsite ?? 0],
      ['countries_remote', 'Countries remote', tt.countries_remote],
      ['countries_any', 'Countries, on site or remote', tt.countries_any],
    ].map(([key, label, v]) => ({ attrs: { 'data-figure': key }, cells: [label, fmt(v)] })),
    [1],
  );
  renderDesks();
}

function renderDesks() {
  const now = Date.now();
  const desks = Object.entries((totals && totals.desks) || {}).sort(([a], [b]) => a.localeCompare(b));
  table(
    $('desks'),
    ['Desk', 'State', 'Scans', 'Scans/min', 'Rejected', 'Rejection rate', 'Late (offline queue)', 'Last seen'],
    desks.map(([id, d]) => {
      const scans = d.scans || 0;
      const lastSeen = d.last_seen ? Date.parse(d.last_seen) : NaN;
      const silent = !Number.isFinite(lastSeen) || now - lastSeen > SILENT_AFTER_MS;
      const samples = deskSamples.get(id) || [];
      const recent = samples.filter((s) => now - s.at <= 60000);
      let rate = '—';
      if (recent.length && now - recent[0].at >= 2000) {
        rate = ((scans - recent[0].scans) / ((now - recent[0].at) / 60000)).toFixed(1);
      } else if (silent) {
        rate = '0';
      }
      return {
        attrs: { 'data-desk': id, class: silent ? 'silent' : '' },
        cells: [
          id,
          silent ? 'silent' : 'active',
          fmt(scans),
          rate,
          fmt(d.rejected || 0),
          scans ? `${((100 * (d.rejected || 0)) / scans).toFixed(1)} %` : '—',
          fmt(d.late || 0),
          Number.isFinite(lastSeen) ? `${new Date(lastSeen).toLocaleTimeString()} (${ago(now - lastSeen)})` : '—',
        ],
      };
    }),
    [2, 3, 4, 5, 6],
  );
}

function sampleDesks() {
  const now = Date.now();
  for (const [id, d] of Object.entries((totals && totals.desks) || {})) {
    const list = deskSamples.get(id) || [];
    const last = list[list.length - 1];
    if (!last || last.scans !== (d.scans || 0) || now - last.at > 10000) list.push({ at: now, scans: d.scans || 0 });
    while (list.length && now - list[0].at > 120000) list.shift();
    deskSamples.set(id, list);
  }
}

async function loadRejected() {
  const note = $('rejected-note');
  try {
    const response = await fetch(`/v1/events/${encodeURIComponent(event)}/scans/rejected?limit=50`, { headers: authHeaders(), cache: 'no-store' });
    if (response.status === 404) {
      note.textContent = 'Not available from this gateway yet.';
      table($('rejected'), ['Time', 'Desk', 'Zone', 'Badge', 'Result', 'Reason'], []);
      return;
    }
    if (response.status === 401 || response.status === 403) {
      note.textContent = 'Sign in as an organizer to see rejected scans.';
      return;
    }
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = await response.json();
    const list = Array.isArray(body) ? body : Array.isArray(body.scans) ? body.scans : [];
    note.textContent = '';
    table(
      $('rejected'),
      ['Time', 'Desk', 'Zone', 'Badge', 'Result', 'Reason'],
      list.slice(0, 50).map((s) => {
        const when = s.server_time || s.device_time || s.time || '';
        const d = when ? new Date(when) : null;
        const country = s.attendee && s.attendee.country ? ` (${countryName(s.attendee.country, lang, '')})` : '';
        return {
          attrs: { 'data-status': s.status || '' },
          cells: [
            d && !Number.isNaN(d.getTime()) ? d.toLocaleString() : '',
            s.desk_id || '',
            s.zone || '',
            (s.badge_id || (s.attendee && s.attendee.badge_id) || '') + country,
            s.status || '',
            s.reason || '',
          ],
        };
      }),
    );
  } catch (e) {
    note.textContent = `Could not load rejected scans: ${e.message}`;
  }
}

function buildExports() {
  const box = $('exports');
  for (const kind of ['attendees', 'scans', 'countries', 'categories', 'summary']) {
    const group = el('div', { class: 'export-group' }, el('span', { class: 'export-kind', text: kind }));
    for (const format of ['csv', 'xlsx', 'json']) {
      const url = `/v1/events/${encodeURIComponent(event)}/exports/${kind}.${format}`;
      const button = el('a', { class: 'export-btn', href: url, text: format.toUpperCase(), 'data-export': `${kind}.${format}` });
      button.addEventListener('click', (e) => {
        e.preventDefault();
        download(url, `${event}-${kind}.${format}`);
      });
      group.append(button);
    }
    box.append(group);
  }
}

// Links cannot carry an Authorization header: fetch with it, then save the blob.
async function download(url, filename) {
  const note = $('exports-note');
  note.textContent = `Preparing ${filename}…`;
  try {
    const response = await fetch(url, { headers: authHeaders(), cache: 'no-store' });
    if (!response.ok) {
      note.textContent = response.status === 404 ? `${filename}: not available from this gateway yet.` : `${filename}: HTTP ${response.status}`;
      return;
    }
    const blob = await response.blob();
    const a = el('a', { href: URL.createObjectURL(blob), download: filename });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    note.textContent = `${filename}: downloaded.`;
  } catch (e) {
    note.textContent = `${filename}: ${e.message}`;
  }
}

function setupLogin() {
  const token = getToken();
  $('login-state').textContent = token ? 'Signed in' : 'Not signed in';
  $('login').dataset.signedIn = token ? '1' : '0';
  $('token').hidden = !!token;
  $('login-btn').hidden = !!token;
  $('logout-btn').hidden = !token;
  $('login').addEventListener('submit', (e) => {
    e.preventDefault();
    const value = $('token').value.trim();
    if (!value) return;
    setToken(value);
    location.reload(); // reconnect everything with the token
  });
  $('logout-btn').addEventListener('click', () => {
    setToken('');
    location.reload();
  });
}

function start() {
  $('event-name').textContent = event;
  document.title = `Dashboard · ${event}`;
  setupLogin();
  const fatal = $('fatal');
  if (!event) {
    fatal.textContent = t.no_event;
    fatal.hidden = false;
    return;
  }
  buildExports();
  const overview = createOverview($('overview'), { lang, rankingSize: 12, chartFont: 14, mapSize: { width: 1000, height: 480 } });
  overview.render(null);
  renderTables();
  const linkStatus = $('link-status');
  let scheduled = false;
  connectDisplay({
    event,
    onStatus: (s) => {
      linkStatus.dataset.status = s;
      $('link-text').textContent = s === 'live' ? t.live : s === 'reconnecting' ? t.reconnecting : t.connecting;
    },
    onError: (error) => {
      fatal.textContent = `${error.code}: ${error.message}`;
      fatal.hidden = false;
    },
    onState: (next) => {
      totals = next;
      fatal.hidden = true;
      sampleDesks();
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(() => {
        scheduled = false;
        overview.render(totals);
        renderTables();
      });
    },
  });
  setInterval(() => {
    sampleDesks();
    renderDesks();
  }, 2000);
  loadRejected();
  setInterval(loadRejected, 15000);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
