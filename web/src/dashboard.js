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
import { sortableTable } from './lib/sortable_table.js';
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

// Every table sorts by any column (lib/sortable_table.js); one sorter per table keeps its chosen
// column across live updates. columns: [[key, label, numeric?]].
const sorters = new Map();
function table(node, columns, rows, sort = null) {
  if (!sorters.has(node.id)) sorters.set(node.id, sortableTable(node, { lang, sort }));
  sorters.get(node.id).render(
    columns.map(([key, label, numeric, descFirst]) => ({ key, label, numeric: !!numeric, descFirst: !!descFirst })),
    rows,
    { empty: t.nothing_yet },
  );
}
// A zone as the event file names it (zone_labels), else its id.
const zoneName = (id) => (info && info.zone_labels && info.zone_labels[id]) || id;
const num = (v) => ({ text: v === undefined || v === null ? '—' : fmt(v), sort: v === undefined || v === null ? undefined : Number(v) });

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
    [['category', t.c_category], ['onsite', t.c_onsite, true], ['remote', t.c_remote, true]],
    [...known, ...extra].map((c) => ({
      attrs: { 'data-category': c, class: headline.has(c) ? 'headline' : '' },
      cells: [categoryLabel(c, lang, info), num(Number(onCat[c] || 0)), num(tt.remote === undefined ? undefined : Number(reCat[c] || 0))],
    })),
  );

  const days = Object.entries(tt.days || {}).sort(([a], [b]) => a.localeCompare(b));
  table(
    $('days'),
    [['day', t.c_day], ['onsite', t.c_onsite, true], ['countries', t.c_countries, true], ['remote', t.c_remote, true], ['peak_online', t.c_peak_online, true]],
    days.map(([day, d]) => ({
      attrs: { 'data-day': day },
      cells: [day, num(d.onsite || 0), num(Object.keys(d.onsite_by_country || {}).filter((k) => countryKind(k) === 'state').length), num(d.remote), num(d.peak_online)],
    })),
  );

  renderZones();

  const statuses = Object.entries(tt.scans_by_status || {}).sort(([, a], [, b]) => b - a);
  table($('statuses'), [['result', t.c_result], ['scans', t.c_scans, true]], statuses.map(([s, n]) => ({ attrs: { 'data-status': s }, cells: [statusLabel(s, lang), num(n)] })));

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
    [['figure', t.c_figure], ['value', t.c_value, true]],
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
    ].map(([key, label, v]) => ({ attrs: { 'data-figure': key }, cells: [label, num(v)] })),
  );
  // The registration desk: check-ins by hand (already in the scan figures) by reason, walk-ins
  // registered and badges replaced. The gateway leaves a zero out, so absent is 0.
  const manual = tt.manual_checkins || {};
  const manualTotal = Object.values(manual).reduce((n, v) => n + Number(v || 0), 0);
  table(
    $('registration'),
    [['figure', t.c_figure], ['value', t.c_value, true]],
    [
      ['manual_checkins', t.f_manual_checkins, manualTotal],
      ...['badge_forgotten', 'badge_unreadable', 'other'].map((r) => [`manual_${r}`, t.f_manual[r], Number(manual[r] || 0)]),
      ['walk_ins', t.f_walk_ins, Number(tt.walk_ins || 0)],
      ['badges_replaced', t.f_badges_replaced, Number(tt.badges_replaced || 0)],
    ].map(([key, label, v]) => ({ attrs: { 'data-figure': key }, cells: [label, num(v)] })),
  );
  renderCountries();
  renderDesks();
  renderAlerts();
}

// Zones: inside now of the event file's capacity (zone_capacities), the share, and a state said
// in words as well as colour: ok, near (the capacity_warning share, default 0.9) or full.
const STATE_RANK = { ok: 0, near: 1, full: 2 };
function zoneStates() {
  const inside = (totals && totals.inside_by_zone) || {};
  const capacities = (info && info.zone_capacities) || {};
  const warning = Number(info && info.capacity_warning) > 0 ? Number(info.capacity_warning) : 0.9;
  const ids = [...new Set([...((info && info.zones) || []), ...Object.keys(capacities), ...Object.keys(inside)])];
  return ids.map((id) => {
    const n = Number(inside[id] || 0);
    const capacity = Number(capacities[id]) > 0 ? Number(capacities[id]) : null;
    const share = capacity ? n / capacity : null;
    const state = capacity === null ? null : n >= capacity ? 'full' : share >= warning ? 'near' : 'ok';
    return { id, n, capacity, share, state };
  });
}

function renderZones() {
  const label = { ok: t.zone_ok, near: t.zone_near, full: t.zone_full };
  table(
    $('zones'),
    [['zone', t.c_zone], ['inside', t.c_inside_now, true], ['capacity', t.c_capacity, true], ['share', t.c_fill, true], ['state', t.c_state, false, true]],
    zoneStates().map(({ id, n, capacity, share, state }) => ({
      attrs: { 'data-zone': id, 'data-state': state || 'none', class: state ? `zone-${state}` : '' },
      cells: [
        { text: zoneName(id), class: 'zone-name' },
        num(n),
        num(capacity),
        { text: share === null ? '—' : pct.format(share), sort: share === null ? undefined : share },
        { text: state ? label[state] : '—', sort: state ? STATE_RANK[state] : undefined, class: state ? `zone-state state-${state}` : '' },
      ],
    })),
    { key: 'inside', dir: -1 },
  );
}

// Every country, territory and the international organizations: searchable, sortable (largest
// total first until another column is chosen; ties by name).
function renderCountries() {
  const query = $('country-search').value.trim().toLocaleLowerCase(lang);
  const kindLabel = { state: t.kind_state, territory: t.kind_territory, international: t.kind_international };
  const collator = new Intl.Collator(lang);
  let rows = countryRows(totals).map((r) => ({ ...r, name: countryName(r.code, lang, t.no_country), kind: countryKind(r.code) }));
  if (query) rows = rows.filter((r) => r.name.toLocaleLowerCase(lang).includes(query) || r.code.toLowerCase() === query);
  rows.sort((a, b) => collator.compare(a.name, b.name));
  table(
    $('countries'),
    [['name', t.c_country], ['kind', t.c_kind], ['onsite', t.c_onsite, true], ['remote', t.c_remote, true], ['total', t.c_total, true]],
    rows.map((r) => ({ attrs: { 'data-country': r.code, 'data-kind': r.kind }, cells: [r.name, kindLabel[r.kind], num(r.onsite), num(r.remote), num(r.total)] })),
    { key: 'total', dir: -1 },
  );
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
    [
      ['desk', t.c_desk],
      ['state', t.c_state],
      ['scans', t.c_scans, true],
      ['scans_min', t.c_scans_min, true],
      ['rejected', t.c_rejected, true],
      ['rejection_rate', t.c_rejection_rate, true],
      ['late', t.c_late, true],
      ['overturned', t.c_overturned, true],
      ['manual', t.c_manual, true],
      ['last_seen', `${t.c_last_seen} (${clock.zoneName})`, true],
    ],
    deskRows(now).map(({ id, d, scans, rejected, lastSeen, silentMs }) => {
      const silent = silentMs > SILENT_AFTER_MS;
      const samples = deskSamples.get(id) || [];
      const recent = samples.filter((s) => now - s.at <= 60000);
      let rate;
      if (recent.length && now - recent[0].at >= 2000) {
        rate = Math.round((10 * (scans - recent[0].scans)) / ((now - recent[0].at) / 60000)) / 10;
      } else if (silent) {
        rate = 0;
      }
      return {
        attrs: { 'data-desk': id, class: silent ? 'silent' : '' },
        cells: [
          id,
          silent ? t.silent : t.active,
          num(scans),
          num(rate),
          num(rejected),
          { text: scans ? pct.format(rejected / scans) : '—', sort: scans ? rejected / scans : undefined },
          num(d.late || 0),
          num(d.overturned || 0),
          num(d.manual || 0),
          { text: Number.isFinite(lastSeen) ? `${clock.clockSeconds(new Date(lastSeen))} (${ago(silentMs)})` : '—', sort: Number.isFinite(lastSeen) ? lastSeen : undefined },
        ],
      };
    }),
  );
}

// Grouped alerts: one line per desk or badge, however many scans are behind it.
function renderAlerts() {
  const alerts = [];
  // A full or nearly full zone first: the door has to act on it now.
  for (const { id, n, capacity, share, state } of zoneStates()) {
    if (state === 'near' || state === 'full') {
      const say = state === 'full' ? t.alert_zone_full : t.alert_zone_near;
      alerts.push({ kind: `zone-${state}`, key: id, text: say(zoneName(id), fmt(n), fmt(capacity), pct.format(share)) });
    }
  }
  // Verdicts desks gave offline that the server overturned: someone let in who should not have
  // been (first: a security matter), or turned away who had the right to enter.
  const overturned = (totals && totals.offline_overturned) || {};
  if (overturned.admitted_refused) alerts.push({ kind: 'overturned-admitted', key: 'admitted_refused', text: t.alert_admitted_refused(fmt(overturned.admitted_refused)) });
  if (overturned.refused_admitted) alerts.push({ kind: 'overturned-refused', key: 'refused_admitted', text: t.alert_refused_admitted(fmt(overturned.refused_admitted)) });
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
  const head = [['badge', t.c_badge], ['result', t.c_result], ['scans', t.c_scans, true], ['time', `${t.c_time} (${clock.zoneName})`, true], ['desk', t.c_desk], ['zone', t.c_zone]];
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
        cells: [
          g.badge,
          statusLabel(g.status, lang),
          num(g.count),
          { text: Number.isFinite(g.last) ? clock.dateTime(new Date(g.last)) : '', sort: Number.isFinite(g.last) ? g.last : undefined },
          [...g.desks].join(', '),
          [...g.zones].map(zoneName).join(', '),
        ],
      })),
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
    ['h-statuses', 't_statuses'], ['h-people', 't_people'], ['h-countries', 't_countries'], ['h-desks', 't_desks'], ['h-rejected', 't_rejected'], ['h-registration', 't_registration'],
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
  createAttendeeLookup($('lookup-panel'), { event, lang, categoryText: (id) => categoryLabel(id, lang, info) });
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
