// Organizer dashboard: /dashboard?event=EVENT&lang=…. Exports first; checked in of registered
// and alerts; the wall's figures; then categories, days, zones, results, participants, every
// country (searchable, sortable), desks and rejected scans grouped by badge. Every time is in
// event time (24-hour, zone named); every word in the page's language. Nothing is shown until
// the gateway has accepted the organizer token.
import 'uplot/dist/uPlot.min.css';
import './dashboard.css';
import { applyDocumentLang, numberFormat, pickLang } from './lib/i18n.js';
import { categoryLabel, displayStrings, statusLabel } from './lib/i18n_display.js';
import { connectDisplay } from './lib/display_socket.js';
import { createOverview, el } from './lib/overview.js';
import { authHeaders, getToken, setToken } from './lib/auth.js';
import { countryName } from './lib/countries.js';
import { countryRows } from './lib/totals.js';
import { countryKind } from './lib/member_states.js';
import { loadEventInfo, orderedCategories } from './lib/event_info.js';
import { eventTime } from './lib/event_time.js';
import { createAttendeeLookup } from './lib/attendee_lookup.js';

const params = new URLSearchParams(location.search);
const lang = pickLang(params.get('lang'));
const t = displayStrings(lang);
const event = params.get('event') || '';
applyDocumentLang(lang);
const fmt = numberFormat(lang);
const pct = new Intl.NumberFormat(lang === 'ar' ? 'ar-u-nu-latn' : lang, { style: 'percent', maximumFractionDigits: 1 });
const relative = new Intl.RelativeTimeFormat(lang === 'ar' ? 'ar-u-nu-latn' : lang, { numeric: 'always', style: 'short' });
const SILENT_AFTER_MS = 120000;
// Alerts: a desk silent this long (minutes; ?silent_min=N), a desk rejecting this share of at
// least this many scans, a badge refused this many times.
const SILENT_ALERT_MIN = Number(params.get('silent_min')) > 0 ? Number(params.get('silent_min')) : 10;
const REJECTION_SHARE = 0.2;
const REJECTION_MIN = 5;
const REPEAT_MIN = 2;
const $ = (id) => document.getElementById(id);

let totals = null;
let info = {};
let registered = null;
let clock = eventTime('UTC', lang);
let rejectedGroups = [];
const deskSamples = new Map(); // desk → [{at, scans}] for scans per minute from deltas
const countrySort = { key: 'total', dir: -1 };

function table(node, head, rows, numeric = []) {
  const thead = el('thead', {}, el('tr', {}, ...head.map((h, i) => el('th', { class: numeric.includes(i) ? 'num' : '', text: h }))));
  const tbody = el(
    'tbody',
    {},
    ...rows.map((row) =>
      el('tr', row.attrs || {}, ...row.cells.map((c, i) => el('td', { class: numeric.includes(i) ? 'num' : '', text: c }))),
    ),
  );
  if (!rows.length) tbody.append(el('tr', {}, el('td', { class: 'empty', colSpan: head.length, text: t.nothing_yet })));
  node.replaceChildren(thead, tbody);
}

function ago(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return relative.format(-s, 'second');
  const m = Math.round(s / 60);
  if (m < 120) return relative.format(-m, 'minute');
  return relative.format(-Math.round(m / 60), 'hour');
}

function renderCheckin() {
  const onsite = Number((totals && totals.onsite) || 0);
  const setFig = (id, v) => {
    $(id).textContent = fmt(v);
    $(id).dataset.value = v === undefined || v === null ? '' : String(v);
  };
  setFig('fig-checked_in', onsite);
  setFig('fig-registered', registered);
  setFig('fig-no_shows', registered === null ? null : Math.max(0, registered - onsite));
  $('checkin-label').textContent = registered === null ? t.checked_in : `${t.checked_in} · ${t.checked_in_of(fmt(onsite), fmt(registered))}`;
}

function renderTables() {
  const tt = totals || {};
  renderCheckin();
  const onCat = tt.onsite_by_category || {};
  const reCat = tt.remote_by_category || {};
  const known = orderedCategories(info).map((c) => c.id);
  const extra = [...new Set([...Object.keys(onCat), ...Object.keys(reCat)])].filter((c) => !known.includes(c)).sort();
  const headline = new Set(orderedCategories(info).filter((c) => c.headline).map((c) => c.id));
  table(
    $('categories'),
    [t.c_category, t.c_onsite, t.c_remote],
    [...known, ...extra].map((c) => ({
      attrs: { 'data-category': c, class: headline.has(c) ? 'headline' : '' },
      cells: [categoryLabel(c, lang, info), fmt(Number(onCat[c] || 0)), tt.remote === undefined ? '—' : fmt(Number(reCat[c] || 0))],
    })),
    [1, 2],
  );

  const days = Object.entries(tt.days || {}).sort(([a], [b]) => a.localeCompare(b));
  table(
    $('days'),
    [t.c_day, t.c_onsite, t.c_countries, t.c_remote, t.c_peak_online],
    days.map(([day, d]) => ({
      attrs: { 'data-day': day },
      cells: [day, fmt(d.onsite || 0), fmt(Object.keys(d.onsite_by_country || {}).filter((k) => countryKind(k) === 'state').length), fmt(d.remote), fmt(d.peak_online)],
    })),
    [1, 2, 3, 4],
  );

  const zones = Object.entries(tt.inside_by_zone || {}).sort(([, a], [, b]) => b - a);
  table($('zones'), [t.c_zone, t.c_inside_now], zones.map(([z, n]) => ({ attrs: { 'data-zone': z }, cells: [z, fmt(n)] })), [1]);

  const statuses = Object.entries(tt.scans_by_status || {}).sort(([, a], [, b]) => b - a);
  table($('statuses'), [t.c_result, t.c_scans], statuses.map(([s, n]) => ({ attrs: { 'data-status': s }, cells: [statusLabel(s, lang), fmt(n)] })), [1]);

  const onsiteStates = countryRows({ onsite_by_country: tt.onsite_by_country });
  const territories = onsiteStates.filter((r) => countryKind(r.code) === 'territory').length;
  const international = onsiteStates.filter((r) => !r.code).reduce((n, r) => n + r.onsite, 0);
  const peakAt = tt.peak_online_at ? `${clock.dateTime(new Date(tt.peak_online_at))} (${clock.zoneName})` : '';
  const statesOf = (map) => Object.entries(map || {}).filter(([k, v]) => Number(v) > 0 && countryKind(k) === 'state').length;
  const remoteStates = tt.remote === undefined ? undefined : statesOf(tt.remote_by_country);
  const anyStates = new Set(
    [...Object.entries(tt.onsite_by_country || {}), ...Object.entries(tt.remote_by_country || {})].filter(([k, v]) => Number(v) > 0 && countryKind(k) === 'state').map(([k]) => k),
  ).size;
  table(
    $('people'),
    [t.c_figure, t.c_value],
    [
      ['participants', t.participants, tt.participants ?? tt.onsite ?? 0],
      ['onsite', t.onsite, tt.onsite ?? 0],
      ['remote', t.remote, tt.remote],
      ['hybrid', t.f_hybrid, tt.hybrid],
      ['online_now', t.online_now, tt.online_now],
      ['peak_online', peakAt ? `${t.f_peak_online} · ${peakAt}` : t.f_peak_online, tt.peak_online],
      ['countries_onsite', t.countries, statesOf(tt.onsite_by_country)],
      ['countries_remote', t.f_countries_remote, remoteStates],
      ['countries_any', t.f_countries_any, anyStates],
      ['territories', t.f_territories, territories],
      ['international', t.f_international, international],
    ].map(([key, label, v]) => ({ attrs: { 'data-figure': key }, cells: [label, fmt(v)] })),
    [1],
  );
  renderCountries();
  renderDesks();
  renderAlerts();
}

// Every country, territory and the international organizations: searchable, sortable.
function renderCountries() {
  const query = $('country-search').value.trim().toLocaleLowerCase(lang);
  const kindLabel = { state: t.kind_state, territory: t.kind_territory, international: t.kind_international };
  let rows = countryRows(totals).map((r) => ({ ...r, name: countryName(r.code, lang, t.no_country), kind: countryKind(r.code) }));
  if (query) rows = rows.filter((r) => r.name.toLocaleLowerCase(lang).includes(query) || r.code.toLowerCase() === query);
  const { key, dir } = countrySort;
  const collator = new Intl.Collator(lang);
  rows.sort((a, b) => (key === 'name' || key === 'kind' ? collator.compare(a[key], b[key]) : a[key] - b[key]) * dir || collator.compare(a.name, b.name));
  const columns = [
    ['name', t.c_country],
    ['kind', t.c_kind],
    ['onsite', t.c_onsite],
    ['remote', t.c_remote],
    ['total', t.c_total],
  ];
  const thead = el(
    'thead',
    {},
    el(
      'tr',
      {},
      ...columns.map(([k, label], i) => {
        const button = el('button', { type: 'button', class: 'sort', 'data-sort': k, text: label + (k === key ? (dir < 0 ? ' ▼' : ' ▲') : '') });
        button.addEventListener('click', () => {
          countrySort.dir = countrySort.key === k ? -countrySort.dir : k === 'name' || k === 'kind' ? 1 : -1;
          countrySort.key = k;
          renderCountries();
        });
        return el('th', { class: i >= 2 ? 'num' : '', 'aria-sort': k === key ? (dir < 0 ? 'descending' : 'ascending') : 'none' }, button);
      }),
    ),
  );
  const tbody = el(
    'tbody',
    {},
    ...rows.map((r) =>
      el(
        'tr',
        { 'data-country': r.code, 'data-kind': r.kind },
        el('td', { text: r.name }),
        el('td', { text: kindLabel[r.kind] }),
        el('td', { class: 'num', text: fmt(r.onsite) }),
        el('td', { class: 'num', text: fmt(r.remote) }),
        el('td', { class: 'num', text: fmt(r.total) }),
      ),
    ),
  );
  if (!rows.length) tbody.append(el('tr', {}, el('td', { class: 'empty', colSpan: 5, text: t.nothing_yet })));
  $('countries').replaceChildren(thead, tbody);
}

function deskRows(now = Date.now()) {
  return Object.entries((totals && totals.desks) || {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, d]) => {
      const lastSeen = d.last_seen ? Date.parse(d.last_seen) : NaN;
      return { id, d, scans: d.scans || 0, rejected: d.rejected || 0, lastSeen, silentMs: Number.isFinite(lastSeen) ? now - lastSeen : Infinity };
    });
}

function renderDesks() {
  const now = Date.now();
  table(
    $('desks'),
    [t.c_desk, t.c_state, t.c_scans, t.c_scans_min, t.c_rejected, t.c_rejection_rate, t.c_late, `${t.c_last_seen} (${clock.zoneName})`],
    deskRows(now).map(({ id, d, scans, rejected, lastSeen, silentMs }) => {
      const silent = silentMs > SILENT_AFTER_MS;
      const samples = deskSamples.get(id) || [];
      const recent = samples.filter((s) => now - s.at <= 60000);
      let rate = '—';
      if (recent.length && now - recent[0].at >= 2000) {
        rate = fmt(Math.round((10 * (scans - recent[0].scans)) / ((now - recent[0].at) / 60000)) / 10);
      } else if (silent) {
        rate = fmt(0);
      }
      return {
        attrs: { 'data-desk': id, class: silent ? 'silent' : '' },
        cells: [
          id,
          silent ? t.silent : t.active,
          fmt(scans),
          rate,
          fmt(rejected),
          scans ? pct.format(rejected / scans) : '—',
          fmt(d.late || 0),
          Number.isFinite(lastSeen) ? `${clock.clockSeconds(new Date(lastSeen))} (${ago(silentMs)})` : '—',
        ],
      };
    }),
    [2, 3, 4, 5, 6],
  );
}

// Grouped alerts: one line per desk or badge, however many scans are behind it.
function renderAlerts() {
  const alerts = [];
  for (const { id, scans, rejected, silentMs } of deskRows()) {
    if (Number.isFinite(silentMs) && silentMs > SILENT_ALERT_MIN * 60000) {
      alerts.push({ kind: 'silent', key: id, text: t.alert_silent(id, fmt(Math.floor(silentMs / 60000))) });
    }
    if (rejected >= REJECTION_MIN && rejected / Math.max(1, scans) >= REJECTION_SHARE) {
      alerts.push({ kind: 'rejections', key: id, text: t.alert_rejections(id, fmt(rejected), pct.format(rejected / scans)) });
    }
  }
  for (const g of rejectedGroups) {
    if (g.count >= REPEAT_MIN && g.badge) {
      alerts.push({ kind: 'repeat', key: g.badge, text: t.alert_repeat(g.badge, statusLabel(g.status, lang), fmt(g.count)) });
    }
  }
  const list = $('alerts');
  list.replaceChildren(...alerts.map((a) => el('li', { class: `alert alert-${a.kind}`, 'data-alert': a.kind, 'data-key': a.key, text: a.text })));
  if (!alerts.length) list.append(el('li', { class: 'alert-none', text: t.no_alerts }));
  $('alerts-panel').dataset.count = String(alerts.length);
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

// Rejected scans, grouped by badge and result: the same revoked badge tried ten times is one
// row with its count, its last time and the desks it was tried at.
function groupRejected(list) {
  const groups = new Map();
  for (const s of list) {
    const badge = s.badge_id || (s.attendee && s.attendee.badge_id) || '';
    const key = `${badge}\u0000${s.status || ''}`;
    const when = Date.parse(s.server_time || s.device_time || s.time || '');
    const g = groups.get(key) || { badge, status: s.status || '', count: 0, last: NaN, desks: new Set(), zones: new Set(), reason: s.reason || '' };
    g.count += 1;
    if (!(g.last >= when)) g.last = when;
    if (s.desk_id) g.desks.add(s.desk_id);
    if (s.zone) g.zones.add(s.zone);
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => (b.last || 0) - (a.last || 0));
}

async function loadRejected() {
  const note = $('rejected-note');
  const head = [t.c_badge, t.c_result, t.c_scans, `${t.c_time} (${clock.zoneName})`, t.c_desk, t.c_zone];
  try {
    const response = await fetch(`/v1/events/${encodeURIComponent(event)}/scans/rejected?limit=200`, { headers: authHeaders(), cache: 'no-store' });
    if (response.status === 404) {
      note.textContent = t.not_available;
      table($('rejected'), head, []);
      return;
    }
    if (response.status === 401 || response.status === 403) {
      note.textContent = t.rejected_sign_in;
      return;
    }
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = await response.json();
    const list = Array.isArray(body) ? body : Array.isArray(body.scans) ? body.scans : [];
    note.textContent = '';
    rejectedGroups = groupRejected(list);
    table(
      $('rejected'),
      head,
      rejectedGroups.map((g) => ({
        attrs: { 'data-status': g.status, 'data-badge': g.badge },
        cells: [g.badge, statusLabel(g.status, lang), fmt(g.count), Number.isFinite(g.last) ? clock.dateTime(new Date(g.last)) : '', [...g.desks].join(', '), [...g.zones].join(', ')],
      })),
      [2],
    );
    renderAlerts();
  } catch (e) {
    note.textContent = t.load_failed(e.message);
  }
}

function buildExports() {
  const box = $('exports');
  for (const kind of ['summary', 'countries', 'categories', 'attendees', 'scans']) {
    const group = el('div', { class: 'export-group' }, el('span', { class: 'export-kind', text: t.export_kinds[kind] }));
    for (const format of ['xlsx', 'csv', 'json']) {
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
  note.textContent = t.preparing(filename);
  try {
    const response = await fetch(url, { headers: authHeaders(), cache: 'no-store' });
    if (!response.ok) {
      note.textContent = response.status === 404 ? `${filename}: ${t.not_available}` : `${filename}: HTTP ${response.status}`;
      return;
    }
    const blob = await response.blob();
    const a = el('a', { href: URL.createObjectURL(blob), download: filename });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    note.textContent = t.downloaded(filename);
  } catch (e) {
    note.textContent = `${filename}: ${e.message}`;
  }
}

// "signed in" only once the gateway has accepted the token; "checking" until then.
function setLogin(state) {
  const labels = { none: t.not_signed_in, checking: t.checking, ok: t.signed_in, refused: t.dash_refused };
  $('login-state').textContent = labels[state];
  $('login').dataset.signedIn = state === 'ok' ? '1' : '0';
  $('login').dataset.state = state;
  const hasToken = state === 'checking' || state === 'ok';
  $('token').hidden = hasToken;
  $('login-btn').hidden = hasToken;
  $('logout-btn').hidden = !hasToken && state !== 'refused';
}

function setupLogin() {
  $('token').placeholder = t.token_placeholder;
  $('token').setAttribute('aria-label', t.token_placeholder);
  $('login-btn').textContent = t.sign_in;
  $('logout-btn').textContent = t.sign_out;
  setLogin(getToken() ? 'checking' : 'none');
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

function gate(state) {
  const [title, body] = {
    no_token: [t.dash_no_token, t.dash_no_token_body],
    refused: [t.dash_refused, t.dash_refused_body],
    unknown_event: [t.unknown_event, event],
    no_event: [t.no_event, ''],
  }[state] || [state, ''];
  $('gate-title').textContent = title;
  $('gate-body').textContent = body;
  $('gate').dataset.state = state;
  $('gate').hidden = false;
  $('main').hidden = true;
  document.body.dataset.gate = state;
}

function setStatus(s) {
  $('link-status').dataset.status = s;
  $('link-text').textContent =
    s === 'live' ? t.live : s === 'reconnecting' ? t.reconnecting : s === 'unauthorized' ? t.unauthorized : s === 'error' ? t.unknown_event : t.connecting;
}

function labelPage() {
  $('title').textContent = t.dash_title;
  for (const [id, key] of [
    ['h-exports', 't_exports'], ['h-alerts', 't_alerts'], ['h-categories', 't_categories'], ['h-days', 't_days'], ['h-zones', 't_zones'],
    ['h-statuses', 't_statuses'], ['h-people', 't_people'], ['h-countries', 't_countries'], ['h-desks', 't_desks'], ['h-rejected', 't_rejected'],
    ['registered-label', 'registered'], ['no-shows-label', 'no_shows'], ['checkin-label', 'checked_in'],
  ]) {
    $(id).textContent = t[key];
  }
  $('country-search').placeholder = t.search_countries;
  $('country-search').setAttribute('aria-label', t.search_countries);
  $('country-search').addEventListener('input', renderCountries);
}

async function organizerAccepted() {
  try {
    const response = await fetch(`/v1/events/${encodeURIComponent(event)}/scans/rejected?limit=1`, { headers: authHeaders(), cache: 'no-store' });
    return response.status !== 401 && response.status !== 403;
  } catch {
    return true; // the socket and every later request still carry the token and say so
  }
}

async function start() {
  labelPage();
  $('event-name').textContent = event;
  document.title = `${t.dash_title} · ${event}`;
  setupLogin();
  setStatus('connecting');
  if (!event) return gate('no_event');
  let loaded;
  for (let attempt = 0; ; ++attempt) {
    loaded = await loadEventInfo(event);
    if (loaded.state !== 'unavailable') break;
    await new Promise((r) => setTimeout(r, Math.min(5000, 500 * 2 ** attempt)));
  }
  // A display's token reads the event's figures too: the dashboard is for organizers, so it
  // asks an organizer-only route before it calls the token accepted.
  if (loaded.state === 'ok' && !(await organizerAccepted())) loaded = { state: 'refused' };
  if (loaded.state !== 'ok') {
    setStatus(loaded.state === 'unknown_event' ? 'error' : 'unauthorized');
    if (loaded.state === 'refused') setLogin('refused');
    return gate(loaded.state);
  }
  setLogin('ok');
  info = loaded.info;
  registered = loaded.registered;
  if (info.name) {
    $('event-name').textContent = info.name;
    document.title = `${t.dash_title} · ${info.name}`;
  }
  clock = eventTime(info.time_zone, lang);
  $('clock-zone').textContent = clock.zoneName;
  const tick = () => ($('clock-time').textContent = clock.clock(new Date()));
  tick();
  setInterval(tick, 1000);
  $('event-clock').hidden = false;
  $('main').hidden = false;
  buildExports();
  createAttendeeLookup($('lookup-panel'), { event, lang, info });
  const overview = createOverview($('overview'), { lang, info, clock, rankingSize: 15, chartFont: () => 14, mapSize: { width: 1000, height: 480 }, nameZone: true });
  overview.render(null);
  renderTables();
  let scheduled = false;
  connectDisplay({
    event,
    onStatus: (s) => {
      setStatus(s);
      if (s === 'unauthorized') {
        setLogin('refused');
        gate('refused');
      }
    },
    onError: (error) => {
      if (error.code === 'unknown_event') gate('unknown_event');
    },
    onState: (next) => {
      totals = next;
      if (document.body.dataset.gate) {
        $('gate').hidden = true;
        $('main').hidden = false;
        delete document.body.dataset.gate;
        setLogin('ok');
      }
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
    renderAlerts();
  }, 2000);
  // The registered count changes with a re-import: refresh it now and then.
  setInterval(async () => {
    const again = await loadEventInfo(event);
    if (again.state === 'ok') {
      registered = again.registered;
      renderCheckin();
    }
  }, 60000);
  loadRejected();
  setInterval(loadRejected, 15000);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
