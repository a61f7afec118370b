// Venue page: /venue?venue=VENUE&lang=…#token=… Co-located events side by side and the venue's
// own figures, where a person registered for several events counts once (docs/venues.md). One
// page for the hall's screen and the organizer's laptop. Aggregated totals only; nothing is drawn
// before the gateway has accepted the token, so a refused screen never shows plausible zeros.
import './venue.css';
import { applyDocumentLang, numberFormat, pickLang } from './lib/i18n.js';
import { categoryLabel, displayStrings } from './lib/i18n_display.js';
import { venueStrings } from './lib/venue_i18n.js';
import { connectDisplay } from './lib/display_socket.js';
import { loadEventInfo } from './lib/event_info.js';
import { authHeaders, getToken } from './lib/auth.js';
import { eventTime } from './lib/event_time.js';
import { el } from './lib/dom.js';
import { fitText } from './lib/overview.js';

const params = new URLSearchParams(location.search);
const lang = pickLang(params.get('lang'));
const venue = params.get('venue') || '';
const t = { ...displayStrings(lang), ...venueStrings(lang) };
const fmt = numberFormat(lang);
applyDocumentLang(lang);
document.title = `${t.venue_title} · ${venue}`;
const $ = (id) => document.getElementById(id);
const VENUE_COLUMN = 'venue';

function gate(state) {
  const [title, body] = {
    no_token: [t.gate_no_token, t.gate_no_token_body],
    refused: [t.gate_refused, t.gate_refused_body],
    unknown_venue: [t.unknown_venue, venue],
    no_venue: [t.no_venue, ''],
  }[state] || [state, ''];
  $('gate-title').textContent = title;
  $('gate-body').textContent = body;
  $('gate').dataset.state = state;
  $('gate').hidden = false;
  $('board').hidden = true;
  document.body.dataset.gate = state;
}

function setStatus(s) {
  $('link-status').dataset.status = s;
  $('link-text').textContent =
    s === 'live' ? t.live : s === 'reconnecting' ? t.reconnecting : s === 'unauthorized' ? t.unauthorized : t.connecting;
}

// GET /v1/venues/V → {state, venue: {id, name, events: [ids]}}.
async function loadVenue() {
  if (!getToken()) return { state: 'no_token' };
  let response;
  try {
    response = await fetch(`/v1/venues/${encodeURIComponent(venue)}`, { headers: authHeaders(), cache: 'no-store' });
  } catch {
    return { state: 'unavailable' };
  }
  if (response.status === 401 || response.status === 403) return { state: 'refused' };
  if (response.status === 404) return { state: 'unknown_venue' };
  if (!response.ok) return { state: 'unavailable' };
  const body = await response.json();
  const config = body.venue || body;
  const events = (config.events || []).map((e) => (typeof e === 'string' ? e : e.event_id || e.id)).filter(Boolean);
  return { state: 'ok', venue: { id: config.id || venue, name: config.name || venue, events } };
}

async function retrying(load) {
  for (let attempt = 0; ; ++attempt) {
    const loaded = await load();
    if (loaded.state !== 'unavailable') return loaded;
    await new Promise((r) => setTimeout(r, Math.min(5000, 500 * 2 ** attempt)));
  }
}

// The rows: the headline figures, each headline category of any event, then on site per day.
function rowsFor(infos) {
  const rows = [
    { key: 'participants', label: t.participants, value: (x) => x.participants },
    { key: 'onsite', label: t.onsite, value: (x) => x.onsite },
    { key: 'inside_now', label: t.inside_now, value: (x) => x.inside_now },
    { key: 'remote', label: t.remote, value: (x) => x.remote },
    { key: 'online_now', label: t.online_now, value: (x) => x.online_now },
    { key: 'hybrid', label: t.f_hybrid, value: (x) => x.hybrid },
    { key: 'countries_any', label: t.f_countries_any, value: (x) => x.countries_any },
  ];
  const categories = new Map();
  for (const info of infos) {
    for (const c of info.categories || []) if (c.headline && !categories.has(c.id)) categories.set(c.id, info);
  }
  for (const [id, info] of categories) {
    rows.push({ key: 'cat-' + id, label: categoryLabel(id, lang, info), value: (x) => (x.onsite_by_category || {})[id] });
  }
  const days = [...new Set(infos.flatMap((info) => info.days || []))].sort();
  const dayName = new Intl.DateTimeFormat(lang, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
  for (const day of days) {
    rows.push({ key: 'day-' + day, label: t.day_onsite(dayName.format(new Date(day + 'T12:00:00Z'))), value: (x) => ((x.days || {})[day] || {}).onsite });
  }
  return rows;
}

function buildBoard(config, infos) {
  const columns = [...config.events.map((id, i) => ({ id, name: infos[i].name || id })), { id: VENUE_COLUMN, name: t.venue_total }];
  const rows = rowsFor(infos);
  const cells = new Map(); // column id → [{row, node}]
  const head = el('tr', {}, el('th', { scope: 'col', class: 'label-col', text: t.c_figure }), ...columns.map((c) => el('th', { scope: 'col', class: c.id === VENUE_COLUMN ? 'venue-col' : 'event-col', 'data-column': c.id, text: c.name })));
  const body = rows.map((row) => {
    const tds = columns.map((c) => {
      const node = el('td', { id: `v-${c.id}-${row.key}`, class: c.id === VENUE_COLUMN ? 'venue-col' : 'event-col', 'data-value': '', text: '—' });
      if (!cells.has(c.id)) cells.set(c.id, []);
      cells.get(c.id).push({ row, node });
      return node;
    });
    return el('tr', { 'data-row': row.key }, el('th', { scope: 'row', class: 'label-col', text: row.label }), ...tds);
  });
  const table = el('table', { class: 'venue-table', 'data-rows': String(rows.length), 'data-columns': String(columns.length) }, el('thead', {}, head), el('tbody', {}, ...body));
  $('board').replaceChildren(table, el('p', { class: 'shared-note', id: 'shared-note', 'data-value': '' }));
  return { columns, cells };
}

// A wall never scrolls: the table's type shrinks (--fit, venue.css) until the board fits the
// screen, never below 0.7 of its design size. A phone's page scrolls instead.
const PHONE = '(max-aspect-ratio: 4/5)';
function fitBoard() {
  const table = document.querySelector('.venue-table');
  if (!table) return;
  const board = $('board');
  let fit = 1;
  table.style.setProperty('--fit', '1');
  if (!matchMedia(PHONE).matches) {
    while (board.scrollHeight > board.clientHeight + 1 && fit > 0.7) {
      fit = Math.max(0.7, fit - 0.03);
      table.style.setProperty('--fit', fit.toFixed(3));
    }
  }
  table.dataset.fit = fit.toFixed(2);
  for (const td of table.querySelectorAll('td')) fitText(td);
}

function render(board, latest) {
  for (const [column, list] of board.cells) {
    const totals = latest.get(column);
    if (!totals) continue;
    for (const { row, node } of list) {
      const value = Number(row.value(totals) || 0);
      if (node.dataset.value === String(value)) continue;
      node.dataset.value = String(value);
      node.textContent = fmt(value);
      fitText(node);
    }
  }
  // Everyone counted at an event, minus the venue's unique people: those at more than one.
  if (board.columns.every((c) => latest.has(c.id))) {
    const sum = board.columns.filter((c) => c.id !== VENUE_COLUMN).reduce((n, c) => n + Number(latest.get(c.id).participants || 0), 0);
    holdNote(board, Math.max(0, sum - Number(latest.get(VENUE_COLUMN).participants || 0)));
  }
}

// The venue's figures follow its events' by a fold period (docs/architecture.md, venue fold):
// just after a newcomer's scan the event counts them and the venue not yet, and the difference
// would call them shared. The note takes a number only once it has held for NOTE_HOLD_MS,
// longer than a fold and a tick; under a steady stream of scans it waits for a quiet moment.
const NOTE_HOLD_MS = 700;
function holdNote(board, shared) {
  const note = $('shared-note');
  if (note.dataset.value === String(shared)) {
    clearTimeout(board.noteTimer);
    board.pendingNote = null;
    return;
  }
  if (!board.pendingNote || board.pendingNote.value !== shared) {
    clearTimeout(board.noteTimer);
    board.pendingNote = { value: shared, since: Date.now() };
    board.noteTimer = setTimeout(() => board.pendingNote && holdNote(board, board.pendingNote.value), NOTE_HOLD_MS);
    return;
  }
  if (Date.now() - board.pendingNote.since < NOTE_HOLD_MS) return;
  board.pendingNote = null;
  note.dataset.value = String(shared);
  note.textContent = t.shared_note(fmt(shared), shared);
  fitBoard(); // the note may take a second line (in one task: nothing is painted in between)
}

async function start() {
  $('title').textContent = t.venue_title;
  $('venue-name').textContent = venue;
  setStatus('connecting');
  if (!venue) return gate('no_venue');
  const loaded = await retrying(loadVenue);
  if (loaded.state !== 'ok') {
    setStatus('unauthorized');
    return gate(loaded.state);
  }
  const config = loaded.venue;
  $('venue-name').textContent = config.name;
  document.title = `${t.venue_title} · ${config.name}`;
  const infos = [];
  for (const event of config.events) {
    const info = await retrying(() => loadEventInfo(event));
    infos.push(info.state === 'ok' ? { ...info.info, event_id: event } : { event_id: event, name: event });
  }
  if (infos[0] && infos[0].time_zone) {
    const clock = eventTime(infos[0].time_zone, lang);
    $('clock-zone').textContent = clock.zoneName;
    const tick = () => ($('clock-time').textContent = clock.clock(new Date()));
    tick();
    setInterval(tick, 1000);
    $('venue-clock').hidden = false;
  }
  $('board').hidden = false;
  const board = buildBoard(config, infos);
  fitBoard();
  let resizeTimer = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(fitBoard, 100);
  });
  const latest = new Map();
  const statuses = new Map();
  let scheduled = false;
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      render(board, latest);
    });
  };
  // Live only when every feed is: a figure beside a stale one would mislead.
  const overall = () => {
    const all = [...statuses.values()];
    if (all.includes('unauthorized')) return 'unauthorized';
    if (all.length === board.columns.length && all.every((s) => s === 'live')) return 'live';
    return all.includes('reconnecting') ? 'reconnecting' : 'connecting';
  };
  for (const column of board.columns) {
    const feed = column.id === VENUE_COLUMN ? { venue } : { event: column.id };
    connectDisplay({
      ...feed,
      onStatus: (s) => {
        statuses.set(column.id, s);
        setStatus(overall());
        if (s === 'unauthorized') gate('refused');
      },
      onState: (totals) => {
        latest.set(column.id, totals);
        schedule();
      },
    });
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
