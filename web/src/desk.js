// Desk kiosk: /desk?event=EVENT&desk=ID&zone=ZONE[&lang=..][&prefix=..][&suffix=..][&sound=off]
// [&print=file] (registration desks: offer badge PDFs as files instead of printing them here).
// Keyboard-wedge scanners type the code and Enter; whatever has the focus, a printable key goes
// to the scan field. Every scan gets a verdict at once: the gateway's while connected, the
// desk's own (from the desk sync: event rules and sealed badge records) while not, marked as
// an offline decision. Scans queue in IndexedDB and replay in order; when the gateway's answer
// to a replayed scan disagrees with what the desk decided, the history says so.
// Keys: F2 Entry/Exit, F4 sound, F9 settings; Tab reaches every control. A desk token with the
// `registration` scope also gets the registration mode (lib/registration_panel.js): F3 finds a
// person (check in by hand, replace or print their badge), F8 registers a walk-in, Escape goes
// back a step. A scanner's burst typed into one of its fields is taken out and scanned.
// Venue mode: /desk?venue=VENUE&desk=ID&zone=ZONE (a venue desk token, docs/venues.md) serves
// every event of a co-located venue on /v1/desk?venue=V: the big card shows the verdict the
// gateway puts first and one line per event that knows the badge (admit or not, and why). Such
// a desk has no registry of its own (no desk sync), so it never decides alone: offline, or with
// no answer in time, a scan waits in the queue and the card says so (never an admit); the
// registration mode is not offered.
import './desk.css';
import { applyDocumentLang, pickLang, strings } from './lib/i18n.js';
import { DEFAULT_CATEGORY_LABELS, categoryLabel, deskStrings, zoneLabel } from './lib/desk_i18n.js';
import { AUTH_CLOSE_CODES, authHeaders, getToken, setToken, socketUrl, subprotocols } from './lib/auth.js';
import { keysFromBadgeKeys, looksLikeBadgeCode, parseBadgeCode, verifyBadgeCode } from './badge_code.js';
import { countryName, flag } from './lib/countries.js';
import { newScanId, openScanQueue } from './lib/scan_queue.js';
import { DeskSync, LocalPresence, decideOffline, eventDay, openSyncStore, reportedVerdict, syncProblem, verdictOf } from './lib/desk_sync.js';
import { createRegistrationPanel, registrationAccess } from './lib/registration_panel.js';
import { registrationStrings } from './lib/registration_i18n.js';
import { callJson, routes } from './lib/registration_api.js';
import { ScanCatcher } from './lib/scan_catcher.js';

const params = new URLSearchParams(location.search);
const lang = pickLang(params.get('lang'));
const t = strings(lang);
const d = deskStrings(lang);
const reg = registrationStrings(lang);
// A venue desk (?venue=) serves the venue's events; it names no event of its own.
const venue = params.get('venue') || '';
const venueMode = Boolean(venue);
const event = venueMode ? '' : params.get('event') || '';
// What the kiosk's local records (queue, presence, time zone) are kept under.
const scope = venueMode ? '@' + venue : event;
const deskId = params.get('desk') || storedDeskId();
const zone = params.get('zone') || 'main';
applyDocumentLang(lang);
const locale = lang === 'ar' ? 'ar-u-nu-latn' : lang;
// "A and B" in the desk's language (the events a person is admitted to).
const listFormat = new Intl.ListFormat(lang, { type: 'conjunction' });

const TONE = {
  accepted: 'good', reentry: 'good', exit: 'good', offline_admit: 'good', offline_exit: 'good',
  already_inside: 'warn', not_inside: 'warn', unavailable: 'warn', queued: 'queued',
  unknown_badge: 'bad', revoked: 'bad', invalid_signature: 'bad', wrong_day: 'bad', not_allowed: 'bad', malformed: 'bad',
};
const SOUND = { good: 'admit', warn: 'warn', bad: 'refuse', queued: 'warn' };
const REQUEST_TIMEOUT_MS = 5000;
// Connected, but no answer this long after a scan: the desk decides on its own meanwhile.
const ANSWER_PATIENCE_MS = 1500;
// A scan went unanswered that long on a link the browser still thinks open (a cut it has not
// noticed yet): until the gateway answers again, the next scans are decided at once.
let linkSilent = false;
const SYNC_EVERY_MS = 3 * 60 * 1000;

function storedDeskId() {
  try {
    let id = localStorage.getItem('rollcall.desk_id');
    if (!id) {
      id = 'desk-' + Array.from(crypto.getRandomValues(new Uint8Array(3)), (b) => b.toString(16).padStart(2, '0')).join('');
      localStorage.setItem('rollcall.desk_id', id);
    }
    return id;
  } catch {
    return 'desk';
  }
}

const $ = (id) => document.getElementById(id);
let direction = 'in';
let queue = null;
let lastSubmitted = null;
let sync = null;
let syncStore = null;
let overturnedCount = 0;
const blocks = new Set(); // why the desk cannot work: no_token, refused, no_sync, no_event
const presence = new LocalPresence('rollcall.desk_presence.' + scope);
const TZ_KEY = 'rollcall.event_tz.' + scope;
// Venue mode: the labels of the first event that answered (zones, categories), for words only.
let venueLabels = null;

// Text from outside the desk's language (names, ids, zone labels, times) inside a sentence:
// isolated, so Arabic keeps its punctuation where it belongs around Latin words and digits.
const iso = (text) => (text ? `\u2068${text}\u2069` : '');

// ------------------------------------------------------------------------------------------
// Settings: scanner prefix/suffix and sound, from the address (which wins) or kept locally.
const SETTINGS_KEY = 'rollcall.desk_settings';
const settings = loadSettings();

function loadSettings() {
  let saved = {};
  try {
    saved = JSON.parse(localStorage.getItem(SETTINGS_KEY) || '{}') || {};
  } catch {
    /* defaults */
  }
  const s = { prefix: saved.prefix || '', suffix: saved.suffix || '', muted: Boolean(saved.muted) };
  if (params.has('prefix')) s.prefix = params.get('prefix');
  if (params.has('suffix')) s.suffix = params.get('suffix');
  if (params.has('sound')) s.muted = params.get('sound') === 'off';
  return s;
}

function saveSettings() {
  try {
    localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
  } catch {
    /* this page only */
  }
}

// What the scanner sent, less its control characters (STX/ETX, tabs, CR) and the configured
// prefix and suffix.
function cleanScan(raw) {
  let code = String(raw).replace(/[\u0000-\u001f\u007f]/g, '').trim();
  if (settings.prefix && code.startsWith(settings.prefix)) code = code.slice(settings.prefix.length);
  if (settings.suffix && code.endsWith(settings.suffix)) code = code.slice(0, code.length - settings.suffix.length);
  return code.trim();
}

// ------------------------------------------------------------------------------------------
// Event time: every time on the desk is in the event's time zone, 24-hour, with the zone named.
// One clock: the event's zone from the desk sync (remembered across reloads), never the
// browser's. null until the desk has learnt it: times then show as --:--.
function timeZone() {
  if (sync && sync.timeZone) return sync.timeZone;
  if (venueLabels) return venueLabels.timeZone;
  try {
    return localStorage.getItem(TZ_KEY) || null;
  } catch {
    return null;
  }
}

function formatTime(when, { seconds = false, zoneName = true } = {}) {
  const date = when instanceof Date ? when : new Date(when);
  if (Number.isNaN(date.getTime())) return '';
  if (!timeZone()) return seconds ? '--:--:--' : '--:--';
  const options = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: timeZone() };
  if (seconds) options.second = '2-digit';
  if (zoneName) options.timeZoneName = 'shortGeneric';
  return new Intl.DateTimeFormat(locale, options).format(date);
}

function zoneName() {
  if (!timeZone()) return '—';
  const parts = new Intl.DateTimeFormat(locale, { timeZone: timeZone(), timeZoneName: 'shortGeneric' }).formatToParts(new Date());
  const part = parts.find((p) => p.type === 'timeZoneName');
  return part ? part.value : timeZone();
}

function updateClock() {
  $('clock').textContent = `${d.event_time}: ${iso(formatTime(new Date()))}`;
  $('history-caption').textContent = d.history_caption(zoneName());
}

// ------------------------------------------------------------------------------------------
// The desk socket: one request, one answer, in order.
class DeskLink {
  constructor(onChange) {
    this.onChange = onChange;
    this.ws = null;
    this.open = false;
    this.waiter = null;
    this.attempt = 0;
    this.timer = null;
    this.stopped = false; // a refused token: no more attempts until the token changes
    window.addEventListener('offline', () => this.ws && this.ws.close());
    window.addEventListener('online', () => {
      this.attempt = 0;
      if (!this.ws) this.connect();
    });
  }

  // A new token (a new desk link): start again.
  resume() {
    this.stopped = false;
    this.attempt = 0;
    if (this.ws) this.ws.close();
    else this.connect();
  }

  connect() {
    clearTimeout(this.timer);
    if (this.ws || this.stopped) return;
    if (!getToken()) {
      // Nothing to present: the gateway would refuse. Wait for a desk link.
      this.stopped = true;
      block('no_token');
      return;
    }
    if (navigator.onLine === false) {
      this.retry();
      return;
    }
    let ws;
    try {
      const query = venueMode ? 'venue=' + encodeURIComponent(venue) : 'event=' + encodeURIComponent(event);
      ws = new WebSocket(socketUrl('/v1/desk?' + query), subprotocols());
    } catch {
      this.retry();
      return;
    }
    this.ws = ws;
    document.body.dataset.connects = String(Number(document.body.dataset.connects || 0) + 1);
    ws.onopen = () => {
      this.open = true;
      this.attempt = 0;
      this.onChange(true);
    };
    ws.onmessage = (m) => {
      const waiter = this.waiter;
      this.waiter = null;
      if (!waiter) return;
      try {
        waiter.resolve(JSON.parse(m.data));
      } catch (e) {
        waiter.reject(e);
      }
    };
    ws.onclose = (closed) => {
      if (this.ws !== ws) return;
      this.ws = null;
      const wasOpen = this.open;
      this.open = false;
      if (this.waiter) this.waiter.reject(new Error('closed'));
      this.waiter = null;
      if (AUTH_CLOSE_CODES.includes(closed.code)) {
        // A refused token does not get better by retrying: the whole screen says the desk is
        // not working, and the desk waits for a new desk link (queued scans stay queued).
        this.stopped = true;
        console.warn('rollcall desk: token refused by the gateway, close code', closed.code);
        block(getToken() ? 'refused' : 'no_token');
      }
      if (wasOpen || !this.everClosed) this.onChange(false);
      this.everClosed = true;
      if (!this.stopped) this.retry();
    };
  }

  retry() {
    clearTimeout(this.timer);
    const delay = Math.min(5000, 250 * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 6);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  request(scan) {
    return new Promise((resolve, reject) => {
      if (!this.open || this.waiter) {
        reject(new Error('not connected'));
        return;
      }
      const timer = setTimeout(() => {
        if (this.waiter && this.waiter.timer === timer) {
          this.waiter = null;
          reject(new Error('timeout'));
          if (this.ws) this.ws.close(); // a dead link: start over, the scan stays queued
        }
      }, REQUEST_TIMEOUT_MS);
      this.waiter = {
        timer,
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      this.ws.send(JSON.stringify(scan));
    });
  }
}

// ------------------------------------------------------------------------------------------
// Badge keys: fetched while online and kept, so a forged or altered code is refused at once even
// when the desk is offline (the gateway checks again). null: never fetched, the gateway decides.
const KEYS_KEY = 'rollcall.badge_keys.' + event;
let badgeKeys = loadBadgeKeys();

function loadBadgeKeys() {
  try {
    return JSON.parse(localStorage.getItem(KEYS_KEY) || 'null');
  } catch {
    return null;
  }
}

async function refreshBadgeKeys() {
  if (venueMode) return; // each event checks its own signed codes
  try {
    const response = await fetch(`/v1/events/${encodeURIComponent(event)}/badge-keys`, { headers: authHeaders(), cache: 'no-store' });
    if (!response.ok) return;
    badgeKeys = keysFromBadgeKeys(await response.json());
    localStorage.setItem(KEYS_KEY, JSON.stringify(badgeKeys));
  } catch {
    /* offline: keep what we had */
  }
}

// The desk sync: fetched at start, when the link opens and every few minutes, kept in IndexedDB.
// body[data-syncing] counts the fetches in flight: the first two often overlap, and a test that
// changes the registry after the desk synced waits for both.
let syncTimer = null;
let syncing = 0;
async function refreshSync() {
  if (venueMode) return; // a venue desk never decides alone: no registry on the tablet
  clearTimeout(syncTimer);
  syncTimer = setTimeout(() => link.open && refreshSync(), SYNC_EVERY_MS);
  document.body.dataset.syncing = String(++syncing);
  try {
    await fetchSync();
  } finally {
    document.body.dataset.syncing = String(--syncing);
  }
}

async function fetchSync() {
  let response;
  try {
    response = await fetch(`/v1/events/${encodeURIComponent(event)}/desk-sync`, { headers: authHeaders(), cache: 'no-store' });
  } catch {
    return; /* offline: keep what we had */
  }
  if (response.status === 401 || response.status === 403) {
    link.stopped = true;
    if (link.ws) link.ws.close();
    block(getToken() ? 'refused' : 'no_token');
    return;
  }
  if (!response.ok) {
    console.warn('rollcall desk: desk sync refused, HTTP', response.status);
    return;
  }
  try {
    const json = await response.json();
    const problem = syncProblem(json, event);
    if (problem) {
      // Not this event's, or not the right shape: keep the one we had.
      console.warn('rollcall desk: desk sync ignored:', problem);
      document.body.dataset.syncRejected = String(Number(document.body.dataset.syncRejected || 0) + 1);
      return;
    }
    sync = new DeskSync(json);
    try {
      localStorage.setItem(TZ_KEY, sync.timeZone);
    } catch {
      /* the sync in IndexedDB has it too */
    }
    unblock('refused');
    unblock('no_sync');
    showRegistry();
    updateClock();
    renderLabels();
    document.body.dataset.sync = 'ready';
    if (syncStore) await syncStore.save(json);
  } catch {
    /* a bad answer: keep the one we had */
  }
}

function showRegistry() {
  const node = $('registry');
  if (sync) {
    node.dataset.state = 'ready';
    node.textContent = d.registry_of(sync.generatedAt ? formatTime(sync.generatedAt, { zoneName: false }) : '—');
  } else {
    node.dataset.state = 'none';
    node.textContent = d.no_registry;
  }
}

// A local refusal of a signed code the keys prove false, or null when the scan goes on.
function refuseLocally(code) {
  if (!badgeKeys || Object.keys(badgeKeys).length === 0) return null;
  if (!looksLikeBadgeCode(code)) return { status: 'invalid_signature', why: 'invalid_signature' };
  const check = verifyBadgeCode(code, event, badgeKeys);
  if (check.status === 'ok') return null;
  return { status: 'invalid_signature', why: check.status === 'wrong_event' ? 'wrong_event' : 'invalid_signature' };
}

// The badge a scan names, for display: the id a signed code carries (never the code itself), and
// the sync's record of it when there is one. A typed id in the wrong letter case becomes the
// registry's spelling, which is what the desk sends.
function identify(code) {
  if (looksLikeBadgeCode(code)) {
    const parsed = parseBadgeCode(code);
    const badgeId = parsed ? parsed.claim.badge_id : '';
    return { send: code, badgeId, record: sync && badgeId ? sync.lookup(badgeId) : null };
  }
  const record = sync ? sync.lookup(code) : null;
  const badgeId = record ? record.badge_id : code;
  return { send: badgeId, badgeId, record };
}

const link = new DeskLink((connected) => {
  setLinkStatus(connected);
  if (connected) {
    unblock('refused');
    if (!venueMode) {
      refreshBadgeKeys();
      refreshSync();
      loadTokenInfo();
    } else {
      document.body.dataset.registration = 'none';
    }
    pump();
  } else if (!sync && !venueMode) {
    block('no_sync');
  }
});

// ------------------------------------------------------------------------------------------
// Registration mode: only for a token whose TokenInfo has the `registration` scope; a plain
// desk token never sees it, and the kiosk then never calls the registration routes.
let registration = null;
let tokenInfoAsked = '';
let returnFocus = null; // a field of the panel a scanner's first key was taken away from
const catcher = new ScanCatcher({ onScan: (code) => submit(code) });

async function loadTokenInfo() {
  const token = getToken();
  if (!token || tokenInfoAsked === token) return;
  tokenInfoAsked = token;
  const answer = await callJson('GET', routes.tokenInfo(event));
  if (!answer.ok) {
    // Not answered (offline, an older gateway): ask again on the next connection.
    tokenInfoAsked = '';
    document.body.dataset.registration = 'unknown';
    console.warn('rollcall desk: token info not available:', answer.problem.kind, answer.problem.status);
    return;
  }
  setupRegistration(registrationAccess(answer.body));
}

function setupRegistration(allowed) {
  const buttonNode = $('reg-btn');
  if (registration) registration.close({ silent: true });
  registration = null;
  $('reg-panel').replaceChildren();
  if (!allowed) {
    buttonNode.hidden = true;
    document.body.dataset.registration = 'none';
    return;
  }
  registration = createRegistrationPanel($('reg-panel'), {
    event,
    lang,
    deskId,
    zone,
    allowed,
    iso,
    categoryText,
    categories: () => (sync && sync.categories.length ? sync.categories : Object.keys(DEFAULT_CATEGORY_LABELS).map((id) => ({ id }))),
    days: () => (sync ? sync.days : []),
    onManualResult: showManualResult,
    printMode: params.get('print') === 'file' ? 'file' : 'browser',
    onOpenChange: (open, { silent = false } = {}) => {
      document.body.dataset.reg = open ? 'open' : '';
      buttonNode.setAttribute('aria-pressed', String(open));
      if (!open && !silent) $('scan-input').focus();
    },
  });
  buttonNode.replaceChildren(reg.mode, kbd('F3'));
  buttonNode.hidden = false;
  document.body.dataset.registration = 'available';
}

function toggleRegistration() {
  if (!registration) return;
  if (registration.isOpen()) registration.close();
  else registration.open();
}

// A check-in by hand: the gateway's ScanResult on the big card like a scan's, marked manual.
function showManualResult(result, { checkinId, badgeId, reason, reasonText }) {
  const scan = { scan_id: checkinId, badge_id: badgeId, desk_id: deskId, zone, direction: 'in', device_time: new Date().toISOString() };
  lastSubmitted = checkinId;
  const answeredId = (result.attendee && result.attendee.badge_id) || '';
  notePresence(answeredId, result.status, { day: result.day, since: result.since, at: scan.device_time });
  addHistory(result.status, scan, { attendee: result.attendee, manual: reasonText });
  render({ status: result.status, why: result.status, attendee: result.attendee || null, zone: result.zone, since: result.since, badgeId: answeredId || badgeId, manual: reasonText, manualReason: reason }, scan);
  $('scan-input').focus();
}

// ------------------------------------------------------------------------------------------
// Queue pump: the oldest scan first, one at a time; `unavailable` keeps it queued.
let pumping = false;
let retryTimer = null;

async function pump() {
  if (pumping || !queue) return;
  pumping = true;
  clearTimeout(retryTimer);
  try {
    for (;;) {
      const head = await queue.first();
      if (!head) break;
      if (!link.open) break;
      let result;
      let events = null;
      try {
        result = await link.request(head.scan);
      } catch {
        break; // the link reconnects and calls pump() again
      }
      if (venueMode) {
        // A VenueScanResult: the verdict shown first, and each event's own.
        events = Array.isArray(result && result.events) ? result.events : [];
        result = (result && result.result) || { status: 'unavailable' };
        learnVenueLabels(events);
      }
      linkSilent = false;
      const late = Date.now() - head.queued_at > 3000;
      // The desk may have decided on its own while this request was out.
      const current = (await queue.get(head.n)) || head;
      if (result.status === 'unavailable') {
        // A busy gateway is no verdict: the desk gives its own while the scan waits.
        if (head.scan.scan_id === lastSubmitted && !current.offline) {
          if (sync) await decideForQueued(head.n, { evenIfShown: true });
          else showServerResult(result, head.scan, { late });
        }
        retryTimer = setTimeout(pump, 1500);
        break;
      }
      console.info('rollcall desk:', result.status, result.reason || '');
      await queue.remove(head.n);
      await updateWaiting();
      const offline = current.offline;
      const overturned = Boolean(offline) && verdictOf(result.status) !== 'retry' && verdictOf(result.status) !== offline.verdict;
      if (overturned) {
        overturnedCount += 1;
        const pill = $('overturned');
        pill.hidden = false;
        pill.dataset.count = String(overturnedCount);
        pill.textContent = d.overturned_count(overturnedCount);
      }
      const answeredId = (result.attendee && result.attendee.badge_id) || '';
      notePresence(answeredId, result.status, { day: result.day, since: result.since, at: current.scan.device_time });
      if (overturned && verdictOf(result.status) === 'refuse' && offline.badgeId) presence.record(offline.badgeId, result.day || eventDay(new Date(current.scan.device_time), timeZone() || 'UTC'), null);
      addHistory(result.status, current.scan, { late, overturned, attendee: result.attendee, events });
      // The big answer is for the scan just made; after a reload (nothing scanned yet on this
      // page) the queue's answers show there too, marked as sent from the queue.
      if (lastSubmitted === null || head.scan.scan_id === lastSubmitted) showServerResult(result, current.scan, { late, overturned, events });
    }
  } finally {
    pumping = false;
  }
}

function offlineDecision(code, scan) {
  return decideOffline({ code, direction: scan.direction, zone, sync, keys: badgeKeys, presence, now: new Date(scan.device_time) });
}

// What this desk learns about who is inside, for its own offline "already inside".
function notePresence(badgeId, status, { day, since, at } = {}) {
  if (!badgeId || !timeZone()) return;
  const today = day || eventDay(new Date(at || Date.now()), timeZone());
  if (['accepted', 'reentry', 'already_inside', 'offline_admit'].includes(status)) presence.record(badgeId, today, since || at || new Date().toISOString());
  else if (['exit', 'not_inside', 'offline_exit'].includes(status)) presence.record(badgeId, today, null);
}

async function submit(raw) {
  if (blocks.size > 0) {
    flash($('blocker'));
    return;
  }
  const code = cleanScan(raw);
  if (!code || !queue) return;
  const who = identify(code);
  const scan = {
    scan_id: newScanId(deskId),
    badge_id: who.send,
    desk_id: deskId,
    zone,
    direction,
    device_time: new Date().toISOString(),
  };
  lastSubmitted = scan.scan_id;
  const refusal = refuseLocally(code);
  if (refusal) {
    const view = { status: refusal.status, why: refusal.why, badgeId: who.badgeId, local: true };
    addHistory(refusal.status, scan, { badgeId: who.badgeId });
    render(view, scan);
    return;
  }
  if (venueMode) {
    // Only the gateway decides for a venue: queued, sent, and the card waits for its answer.
    await queue.add(scan, null);
    await updateWaiting();
    if (!link.open || linkSilent) showWaiting(scan, who);
    else setTimeout(() => waitLonger(scan, who), ANSWER_PATIENCE_MS);
    pump();
    return;
  }
  let decision = null;
  if (!link.open || (linkSilent && sync)) {
    if (!sync) {
      block('no_sync');
      return;
    }
    decision = offlineDecision(code, scan);
    decision.cause = link.open ? 'link_silent' : 'offline';
    scan.offline_verdict = reportedVerdict(decision.verdict);
  }
  const badgeOf = (dec) => (dec.badge && dec.badge.badge_id) || '';
  const n = await queue.add(scan, decision ? { verdict: decision.verdict, status: decision.status, badgeId: badgeOf(decision) } : null); // stored before it is sent
  await updateWaiting();
  if (decision) {
    notePresence(badgeOf(decision), decision.status === 'already_inside' ? 'offline_admit' : decision.status, { at: scan.device_time, since: decision.since });
    showDecision(decision, scan, who);
  } else {
    // Connected: the gateway answers within milliseconds. If it does not, decide here.
    setTimeout(() => decideForQueued(n), ANSWER_PATIENCE_MS);
  }
  pump();
}

// Venue mode: no answer in time for the scan just made: the card says it waits (the gateway's
// answer replaces it when it comes), and the next scans say so at once until the link answers.
function waitLonger(scan, who) {
  if ($('result').dataset.scanId === scan.scan_id || lastSubmitted !== scan.scan_id) return;
  linkSilent = true;
  showWaiting(scan, who);
}

function showWaiting(scan, who) {
  render({ status: 'queued', why: 'venue_waiting', badgeId: who.badgeId, attendee: null }, scan);
}

// Venue mode: the time zone and labels of the first event that answers, from its desk sync
// (read for its words only, once; a venue desk never decides from it). Remembered across reloads.
let labelsAsked = false;
async function learnVenueLabels(events) {
  if (labelsAsked || !events.length || !events[0].event_id) return;
  labelsAsked = true;
  try {
    const response = await fetch(`/v1/events/${encodeURIComponent(events[0].event_id)}/desk-sync`, { headers: authHeaders(), cache: 'no-store' });
    if (!response.ok) return;
    const json = await response.json();
    if (syncProblem(json, events[0].event_id)) return;
    venueLabels = { timeZone: json.time_zone || 'UTC', categories: json.categories || [], zoneLabels: json.zone_labels || {} };
    try {
      localStorage.setItem(TZ_KEY, venueLabels.timeZone);
    } catch {
      /* this page only */
    }
    updateClock();
    renderLabels();
    for (const li of document.querySelectorAll('#history li[data-at]')) {
      li.textContent = [iso(formatTime(li.dataset.at, { seconds: true, zoneName: false })), li.dataset.rest].join(' · ');
      delete li.dataset.at;
    }
  } catch {
    labelsAsked = false; /* offline: ask again with the next answer */
  }
}

// The desk's own verdict for a scan still waiting for the gateway (recorded with it, so the
// gateway's later answer can be compared), shown when it is the scan just made.
async function decideForQueued(n, { evenIfShown = false } = {}) {
  if (!sync) return;
  const waiting = await queue.get(n);
  if (!waiting || waiting.offline) return;
  const scan = waiting.scan;
  if (!evenIfShown && $('result').dataset.scanId === scan.scan_id) return; // answered already
  const decision = offlineDecision(scan.badge_id, scan);
  decision.cause = evenIfShown ? 'unavailable' : 'no_answer';
  if (!evenIfShown) linkSilent = true;
  const item = await queue.update(n, (i) => {
    i.offline = { verdict: decision.verdict, status: decision.status, badgeId: (decision.badge && decision.badge.badge_id) || '' };
    i.scan.offline_verdict = reportedVerdict(decision.verdict);
  });
  if (item && lastSubmitted === scan.scan_id) showDecision(decision, scan, identify(scan.badge_id));
}

// ------------------------------------------------------------------------------------------
// Screen
function setLinkStatus(connected) {
  const node = $('link-status');
  node.dataset.status = connected ? 'live' : 'offline';
  $('link-text').textContent = connected ? t.online : d.link_offline;
}

async function updateWaiting() {
  const n = await queue.count();
  const badge = $('waiting');
  badge.dataset.count = String(n);
  badge.textContent = t.waiting_scans(n);
  badge.hidden = n === 0;
}

function showServerResult(result, scan, { late, overturned, events = null } = {}) {
  const code = scan.badge_id;
  const parsed = looksLikeBadgeCode(code) ? parseBadgeCode(code) : null;
  const badgeId = (result.attendee && result.attendee.badge_id) || (parsed ? parsed.claim.badge_id : code);
  let why = result.status;
  if (result.status === 'invalid_signature' && parsed && !venueMode && parsed.claim.event_id !== event) why = 'wrong_event';
  render({ status: result.status, why, attendee: result.attendee || null, zone: result.zone, since: result.since, badgeId, late: late || result.late, overturned, events }, scan);
}

function showDecision(decision, scan, who) {
  const badge = decision.badge || who.record;
  render({ status: decision.status, why: decision.why || decision.status, since: decision.since, attendee: badge, badgeId: (badge && badge.badge_id) || who.badgeId, offline: true, cause: decision.cause }, scan);
}

function statusTitle(status) {
  if (status === 'queued') return t.queued;
  if (status === 'offline_admit') return d.status_offline_admit;
  if (status === 'offline_exit') return d.status_offline_exit;
  return t.status[status] || status;
}

function categoryText(id) {
  return categoryLabel(id, lang, sync ? sync.categories : venueLabels ? venueLabels.categories : null);
}

function zoneText(id) {
  return zoneLabel(id, sync ? sync.zoneLabels : venueLabels ? venueLabels.zoneLabels : null);
}

// One verdict on the big card: what to do (ADMIT / DO NOT ADMIT / EXIT), the status, who, why.
function render(view, scan) {
  const box = $('result');
  const status = view.status || 'malformed';
  const verdict = status === 'queued' ? 'wait' : verdictOf(status);
  const tone = TONE[status] || 'bad';
  box.dataset.status = status;
  box.dataset.tone = tone;
  box.dataset.verdict = verdict;
  box.dataset.offline = view.offline ? '1' : '';
  // Why the desk decided alone (offline, no answer in time, a silent link, a busy gateway).
  box.dataset.cause = view.offline ? view.cause || 'offline' : '';
  box.dataset.scanId = scan.scan_id;
  $('result-verdict').textContent = d.verdict[verdict];
  $('result-title').textContent = statusTitle(status);
  renderEvents(view.events);
  $('result-offline').hidden = !view.offline;
  $('result-offline').textContent = d.offline_decision;
  $('result-manual').hidden = !view.manual;
  $('result-manual').textContent = view.manual ? reg.manual_mark(view.manual) : '';
  box.dataset.manual = view.manual ? view.manualReason || 'manual' : '';
  const who = view.attendee || null;
  $('result-name').textContent = who ? who.name || '' : '';
  $('result-org').textContent = who ? who.organization || '' : '';
  if (who && who.country) {
    $('result-country').textContent = `${flag(who.country)} ${countryName(who.country, lang, t.no_country)}`;
  } else {
    $('result-country').textContent = who && who.category ? t.no_country : '';
  }
  $('result-category').textContent = who && who.category ? categoryText(who.category) : '';
  // Protocol: a person of a headline category (ministers, heads of agencies) is let in.
  const category = who && who.category && sync ? sync.category(who.category) : null;
  const protocol = verdict === 'admit' && category && category.headline;
  $('result-protocol').hidden = !protocol;
  $('result-protocol').textContent = protocol ? d.protocol(categoryText(who.category)) : '';
  box.dataset.protocol = protocol ? who.category : '';
  const reasonKey = view.why && d.reason[view.why] ? view.why : status;
  const words = d.reason[reasonKey];
  const zoneNow = view.zone || (status === 'not_allowed' ? zone : '');
  const replaced = status === 'revoked' && who && (who.replaced_by || /replaced/i.test(who.revoked_reason || ''));
  if (replaced) {
    // A replaced badge: say so (and why, when the gateway says it was lost, damaged or stolen).
    const cause = /lost|damaged|stolen/i.exec(who.revoked_reason || '');
    $('result-reason').textContent = reg.revoked_replaced({ why: cause ? reg.replaced_why[cause[0].toLowerCase()] : '' });
  } else {
    $('result-reason').textContent = words ? words({ name: iso(who ? who.name : ''), zone: iso(zoneNow ? zoneText(zoneNow) : ''), since: iso(view.since ? formatTime(view.since) : '') }) : '';
  }
  box.dataset.replaced = replaced ? '1' : '';
  const meta = [];
  if (view.badgeId) meta.push(`${d.badge} ${iso(view.badgeId)}`);
  if (view.late) meta.push(t.replayed);
  if (view.overturned) meta.push(d.overturned(statusTitle(status)));
  $('result-meta').textContent = meta.join(' · ');
  flash(box);
  if (registration && registration.isOpen()) {
    registration.showScan({ verdictText: d.verdict[verdict], title: statusTitle(status), name: who ? who.name || '' : view.badgeId || '', tone, status });
  }
  beep(view.overturned ? 'refuse' : SOUND[tone] || 'refuse');
}

// Venue mode: one line per event that knows the badge: its name, admit or not, and the status.
// An unknown badge (checked at the first event only) needs no line: no event knows it.
function renderEvents(events) {
  const list = $('result-events');
  const lines = (events || []).filter((e) => e && e.result);
  const shown = lines.length > 0 && !lines.every((e) => e.result.status === 'unknown_badge');
  list.hidden = !shown;
  list.dataset.count = shown ? String(lines.length) : '0';
  list.replaceChildren(
    ...(shown ? lines : []).map((e) => {
      const status = e.result.status || 'malformed';
      const verdict = verdictOf(status);
      const li = document.createElement('li');
      li.dataset.event = e.event_id || '';
      li.dataset.status = status;
      li.dataset.verdict = verdict;
      li.dataset.tone = TONE[status] || 'bad';
      const name = document.createElement('span');
      name.className = 'event-line-name';
      name.textContent = e.event_name || e.event_id || '';
      const word = document.createElement('span');
      word.className = 'event-line-verdict';
      word.textContent = d.verdict[verdict];
      const why = document.createElement('span');
      why.className = 'event-line-status';
      why.textContent = statusTitle(status);
      li.append(name, word, why);
      return li;
    }),
  );
}

function flash(box) {
  box.classList.remove('flash');
  void box.offsetWidth;
  box.classList.add('flash');
}

function addHistory(status, scan, { late = false, overturned = false, attendee = null, badgeId = '', manual = '', events = null } = {}) {
  const list = $('history');
  const li = document.createElement('li');
  li.dataset.tone = TONE[status] || 'bad';
  li.dataset.status = status;
  const code = scan.badge_id;
  const parsed = looksLikeBadgeCode(code) ? parseBadgeCode(code) : null;
  const parts = [iso(formatTime(scan.device_time, { seconds: true, zoneName: false })), statusTitle(status), iso(attendee && attendee.name ? attendee.name : badgeId || (parsed ? parsed.claim.badge_id : code))];
  const admittedTo = (events || []).filter((e) => e && e.result && verdictOf(e.result.status) === 'admit').map((e) => iso(e.event_name || e.event_id));
  if (admittedTo.length) parts.push(d.admitted_to(listFormat.format(admittedTo)));
  if (late) parts.push(t.replayed);
  if (manual) {
    li.dataset.manual = '1';
    parts.push(reg.manual_mark(manual));
  }
  if (overturned) {
    li.dataset.overturned = '1';
    parts.push(d.overturned(statusTitle(status)));
  }
  li.textContent = parts.join(' · ');
  // A time written before the desk knew the event's time zone (a venue desk learns it from its
  // first answer) is written again once it does.
  if (!timeZone()) {
    li.dataset.at = scan.device_time;
    li.dataset.rest = parts.slice(1).join(' · ');
  }
  list.prepend(li);
  // An overturned decision stays in view until the page is reloaded; the rest scroll away.
  const plain = [...list.children].filter((item) => item.dataset.overturned !== '1');
  for (const item of plain.slice(6)) item.remove();
}

function setDirection(value) {
  direction = value === 'out' ? 'out' : 'in';
  document.body.dataset.direction = direction;
  for (const b of document.querySelectorAll('.dir-btn')) b.setAttribute('aria-pressed', String(b.dataset.direction === direction));
  $('mode-label').textContent = `${direction === 'in' ? '→' : '←'} ${d.mode}: ${direction === 'in' ? t.entry : t.exit_dir}`;
  try {
    localStorage.setItem('rollcall.direction', direction);
  } catch {
    /* ignore */
  }
}

// ------------------------------------------------------------------------------------------
// Sound: a short tone per verdict (WebAudio, no files), unless muted. The body records the last
// one, so a test or an organizer can see what the desk played.
let audio = null;
const TONES = {
  admit: { type: 'sine', notes: [[880, 0.09], [1320, 0.14]] },
  warn: { type: 'triangle', notes: [[600, 0.14], [600, 0.14]] },
  refuse: { type: 'square', notes: [[220, 0.3], [165, 0.45]] },
};

function beep(kind) {
  document.body.dataset.sound = settings.muted ? 'muted' : kind;
  document.body.dataset.sounds = String(Number(document.body.dataset.sounds || 0) + (settings.muted ? 0 : 1));
  if (settings.muted) return;
  try {
    audio = audio || new AudioContext();
    if (audio.state === 'suspended') audio.resume();
    const tone = TONES[kind] || TONES.refuse;
    let at = audio.currentTime + 0.01;
    for (const [frequency, length] of tone.notes) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = tone.type;
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.3, at + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + length);
      osc.connect(gain).connect(audio.destination);
      osc.start(at);
      osc.stop(at + length + 0.02);
      at += length + 0.05;
    }
  } catch {
    /* no audio device: the colours still say it */
  }
}

function setMuted(muted) {
  settings.muted = muted;
  saveSettings();
  const button = $('mute-btn');
  button.setAttribute('aria-pressed', String(muted));
  button.replaceChildren(muted ? d.sound_off : d.sound_on, kbd('F4'));
}

function kbd(text) {
  const k = document.createElement('kbd');
  k.textContent = text;
  return k;
}

// ------------------------------------------------------------------------------------------
// The full-screen "not working" state.
function block(reason) {
  blocks.add(reason);
  showBlocker();
}

function unblock(reason) {
  if (blocks.delete(reason)) showBlocker();
}

function showBlocker() {
  const node = $('blocker');
  const order = ['no_event', 'no_token', 'refused', 'no_sync'];
  const reason = order.find((r) => blocks.has(r));
  document.body.dataset.blocked = reason || '';
  if (!reason) {
    if (!node.hidden) {
      node.hidden = true;
      $('scan-input').focus();
    }
    return;
  }
  $('blocker-title').textContent = d.blocked_title;
  $('blocker-text').textContent = d['blocked_' + reason];
  $('blocker-where').textContent = [venueMode ? `${d.venue} ${venue}` : event, `${t.desk} ${deskId}`, `${t.zone} ${zoneText(zone)}`].filter(Boolean).join(' · ');
  node.dataset.reason = reason;
  if (node.hidden) {
    node.hidden = false;
    node.focus();
    beep('refuse');
  }
}

// ------------------------------------------------------------------------------------------
// Camera scanning where the browser has BarcodeDetector.
let cameraStream = null;
async function toggleCamera() {
  const video = $('camera-view');
  const button = $('camera-btn');
  if (cameraStream) {
    cameraStream.getTracks().forEach((track) => track.stop());
    cameraStream = null;
    video.hidden = true;
    button.textContent = t.camera;
    return;
  }
  try {
    const formats = await BarcodeDetector.getSupportedFormats();
    const detector = new BarcodeDetector({ formats });
    cameraStream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
    video.srcObject = cameraStream;
    video.hidden = false;
    await video.play();
    button.textContent = t.camera_stop;
    let lastCode = '';
    let lastAt = 0;
    const tick = async () => {
      if (!cameraStream) return;
      try {
        const codes = await detector.detect(video);
        const code = codes.length ? codes[0].rawValue : '';
        if (code && (code !== lastCode || Date.now() - lastAt > 4000)) {
          lastCode = code;
          lastAt = Date.now();
          submit(code);
        }
      } catch {
        /* frame not ready */
      }
      setTimeout(tick, 250);
    };
    tick();
  } catch (e) {
    cameraStream = null;
    video.hidden = true;
    $('result-reason').textContent = String(e && e.message ? e.message : e);
  }
}

// ------------------------------------------------------------------------------------------
// Keyboard: shortcuts, and printable keys typed outside a text field go to the scan field, so
// a wedge scanner works whatever control has the focus.
function openSettings() {
  const dialog = $('settings');
  if (dialog.open) return;
  $('prefix-input').value = settings.prefix;
  $('suffix-input').value = settings.suffix;
  dialog.showModal();
  $('prefix-input').focus();
}

function onKey(e) {
  const input = $('scan-input');
  const dialog = $('settings');
  if (e.key === 'F2' || e.key === 'F4' || e.key === 'F9' || ((e.key === 'F3' || e.key === 'F8') && registration)) {
    e.preventDefault();
    if (dialog.open || blocks.size > 0) return;
    if (e.key === 'F2') setDirection(direction === 'in' ? 'out' : 'in');
    else if (e.key === 'F4') setMuted(!settings.muted);
    else if (e.key === 'F3') toggleRegistration();
    else if (e.key === 'F8') registration.openWalkIn();
    else openSettings();
    return;
  }
  if (dialog.open || blocks.size > 0 || e.ctrlKey || e.metaKey || e.altKey) return;
  const target = e.target;
  const inText = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
  const inPanel = registration && registration.isOpen() && registration.contains(target);
  // A scanner typing into a registration field: taken out of the field and scanned.
  if (inPanel && inText && target.type !== 'radio' && target.type !== 'checkbox' && catcher.keydown(e)) return;
  const typing = inText && target.type !== 'radio' && target.type !== 'checkbox';
  if (!typing && e.key.length === 1 && e.key !== ' ') {
    if (inPanel) returnFocus = target;
    input.focus({ preventScroll: true }); // the key lands in the field it now has focus
  } else if (!typing && e.key === 'Enter' && target === document.body) {
    e.preventDefault();
    input.focus();
  }
}

function renderLabels() {
  $('where').textContent = [venueMode ? `${d.venue} ${venue}` : event, `${t.desk} ${deskId}`, `${t.zone} ${zoneText(zone)}`].join(' · ');
}

// ------------------------------------------------------------------------------------------
async function start() {
  const input = $('scan-input');
  $('title').textContent = t.desk_title;
  renderLabels();
  $('dir-in').replaceChildren(t.entry);
  $('dir-out').replaceChildren(t.exit_dir);
  $('switch-hint').replaceChildren(kbd('F2'), ' ', d.switch_key.replace(/^F2\s*[:：]\s*/, ''));
  $('scan-send').textContent = t.send;
  $('camera-btn').textContent = t.camera;
  $('settings-btn').replaceChildren(d.settings, kbd('F9'));
  $('settings-title').textContent = d.settings_title;
  $('prefix-label').textContent = d.prefix;
  $('suffix-label').textContent = d.suffix;
  $('settings-help').textContent = d.settings_help;
  $('settings-save').textContent = d.save;
  $('settings-close').textContent = d.close;
  setMuted(settings.muted);
  input.placeholder = t.scan_prompt;
  input.setAttribute('aria-label', t.scan_prompt);
  document.title = `${t.desk_title} · ${deskId}`;
  $('result-title').textContent = t.ready;
  setLinkStatus(false);
  $('link-text').textContent = t.connecting;
  $('link-status').dataset.status = 'connecting';
  let saved = 'in';
  try {
    saved = params.get('direction') || localStorage.getItem('rollcall.direction') || 'in';
  } catch {
    /* ignore */
  }
  setDirection(saved);
  updateClock();
  setInterval(updateClock, 15000);
  if (!event && !venue) {
    block('no_event');
    return;
  }
  if (!getToken()) block('no_token');
  // A new desk link opened in the same tab (#token=...): take the token and start again.
  window.addEventListener('hashchange', () => {
    const fresh = new URLSearchParams(location.hash.slice(1)).get('token');
    if (!fresh) return;
    setToken(fresh);
    history.replaceState(null, '', location.pathname + location.search);
    setupRegistration(null); // the new token says again what it may do
    delete document.body.dataset.registration;
    unblock('no_token');
    unblock('refused');
    link.resume();
    refreshSync();
  });

  for (const b of document.querySelectorAll('.dir-btn')) {
    b.addEventListener('click', (e) => {
      setDirection(b.dataset.direction);
      if (e.detail > 0) input.focus(); // a tap: back to scanning; a key press keeps its place
    });
  }
  $('mute-btn').addEventListener('click', () => setMuted(!settings.muted));
  $('reg-btn').addEventListener('click', toggleRegistration);
  // Escape: the registration mode one step back (after a field has used it, e.g. to clear).
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented || !registration || !registration.isOpen() || $('settings').open || blocks.size > 0) return;
    e.preventDefault();
    registration.back();
  });
  $('settings-btn').addEventListener('click', openSettings);
  $('settings').addEventListener('close', () => {
    if ($('settings').returnValue === 'save') {
      settings.prefix = $('prefix-input').value;
      settings.suffix = $('suffix-input').value;
      saveSettings();
    }
    input.focus();
  });
  $('scan-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const value = input.value;
    input.value = '';
    submit(value);
    // A scan that interrupted a registration form: back to the control it came from.
    const back = returnFocus;
    returnFocus = null;
    if (back && registration && registration.isOpen() && back.isConnected) back.focus();
    else input.focus();
  });
  document.addEventListener('keydown', onKey, true);
  window.addEventListener('focus', () => {
    if (document.activeElement === document.body) input.focus({ preventScroll: true });
  });
  if ('BarcodeDetector' in window && navigator.mediaDevices) {
    $('camera-btn').hidden = false;
    $('camera-btn').addEventListener('click', toggleCamera);
  }
  input.focus();

  queue = await openScanQueue('rollcall-desk-' + scope);
  if (venueMode) {
    document.body.dataset.mode = 'venue';
    $('registry').hidden = true; // no registry on a venue desk: nothing to say about one
  }
  try {
    // A venue desk keeps no desk sync (it never decides alone).
    if (!venueMode) syncStore = await openSyncStore(event);
    const stored = syncStore ? await syncStore.load() : null;
    if (stored && !sync && !syncProblem(stored, event)) {
      sync = new DeskSync(stored);
      document.body.dataset.sync = 'ready';
      updateClock();
      renderLabels();
    }
  } catch {
    /* no IndexedDB: the sync lives in memory only */
  }
  if (!venueMode) showRegistry();
  await updateWaiting();
  document.body.dataset.ready = '1';
  link.connect();
  refreshSync();

  if ('serviceWorker' in navigator) {
    navigator.serviceWorker
      .register('/sw.js', { scope: '/' })
      .then(() => navigator.serviceWorker.ready)
      .then(() => {
        document.body.dataset.offlineReady = '1';
      })
      .catch(() => {
        /* no service worker (plain http off localhost): works, but no reload while offline */
      });
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
