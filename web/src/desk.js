// Desk kiosk: /desk?event=EVENT&desk=ID&zone=ZONE[&lang=..]. Keyboard-wedge scanners type the
// code and Enter into the always-focused input; camera scanning where BarcodeDetector exists;
// scans queue in IndexedDB and replay in order, so the desk keeps working offline.
import './desk.css';
import { applyDocumentLang, pickLang, strings } from './lib/i18n.js';
import { AUTH_CLOSE_CODES, authHeaders, socketUrl, subprotocols } from './lib/auth.js';
import { keysFromBadgeKeys, looksLikeBadgeCode, verifyBadgeCode } from './badge_code.js';
import { countryName, flag } from './lib/countries.js';
import { newScanId, openScanQueue } from './lib/scan_queue.js';

const params = new URLSearchParams(location.search);
const lang = pickLang(params.get('lang'));
const t = strings(lang);
const event = params.get('event') || '';
const deskId = params.get('desk') || storedDeskId();
const zone = params.get('zone') || 'main';
applyDocumentLang(lang);

const TONE = {
  accepted: 'good', reentry: 'good', exit: 'good',
  already_inside: 'warn', not_inside: 'warn', unavailable: 'warn',
  unknown_badge: 'bad', revoked: 'bad', invalid_signature: 'bad', wrong_day: 'bad', not_allowed: 'bad', malformed: 'bad',
};
const REQUEST_TIMEOUT_MS = 5000;

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
    window.addEventListener('offline', () => this.ws && this.ws.close());
    window.addEventListener('online', () => {
      this.attempt = 0;
      if (!this.ws) this.connect();
    });
  }

  connect() {
    clearTimeout(this.timer);
    if (this.ws) return;
    if (navigator.onLine === false) {
      this.retry();
      return;
    }
    let ws;
    try {
      ws = new WebSocket(socketUrl('/v1/desk?event=' + encodeURIComponent(event)), subprotocols());
    } catch {
      this.retry();
      return;
    }
    this.ws = ws;
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
      if (wasOpen) this.onChange(false);
      if (AUTH_CLOSE_CODES.includes(closed.code)) {
        // Scans stay queued; the desk retries slowly while an organizer fixes its token.
        $('link-status').dataset.status = 'unauthorized';
        $('link-text').textContent = t.unauthorized;
        this.attempt = 6;
      }
      this.retry();
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
  try {
    const response = await fetch(`/v1/events/${encodeURIComponent(event)}/badge-keys`, { headers: authHeaders(), cache: 'no-store' });
    if (!response.ok) return;
    badgeKeys = keysFromBadgeKeys(await response.json());
    localStorage.setItem(KEYS_KEY, JSON.stringify(badgeKeys));
  } catch {
    /* offline: keep what we had */
  }
}

// A local refusal, or null when the scan should go to the gateway.
function refuseLocally(code) {
  if (!badgeKeys || Object.keys(badgeKeys).length === 0) return null;
  if (!looksLikeBadgeCode(code)) return { status: 'invalid_signature', reason: t.signed_only || 'This event accepts signed badge codes only; scan the badge\'s QR code.' };
  const check = verifyBadgeCode(code, event, badgeKeys);
  if (check.status === 'ok') return null;
  return { status: 'invalid_signature', reason: check.status === 'wrong_event' ? 'This badge is for another event.' : 'This badge is not genuine (its signature does not match). Send the attendee to the help desk.' };
}

const link = new DeskLink((connected) => {
  setLinkStatus(connected);
  if (connected) {
    refreshBadgeKeys();
    pump();
  }
});

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
      try {
        result = await link.request(head.scan);
      } catch {
        break; // the link reconnects and calls pump() again
      }
      const late = Date.now() - head.queued_at > 3000;
      if (result.status === 'unavailable') {
        if (head.scan.scan_id === lastSubmitted) showResult(result, head.scan, { late });
        retryTimer = setTimeout(pump, 1500);
        break;
      }
      await queue.remove(head.n);
      await updateWaiting();
      addHistory(result, head.scan, late);
      // The big answer is for the scan just made; after a reload (nothing scanned yet on this
      // page) the queue's answers show there too, marked as sent from the queue.
      if (lastSubmitted === null || head.scan.scan_id === lastSubmitted) showResult(result, head.scan, { late });
    }
  } finally {
    pumping = false;
  }
}

async function submit(raw) {
  const code = raw.trim();
  if (!code || !queue) return;
  const scan = {
    scan_id: newScanId(deskId),
    badge_id: code,
    desk_id: deskId,
    zone,
    direction,
    device_time: new Date().toISOString(),
  };
  lastSubmitted = scan.scan_id;
  const refusal = refuseLocally(code);
  if (refusal) {
    addHistory(refusal, scan, false);
    showResult(refusal, scan);
    return;
  }
  await queue.add(scan); // stored before it is sent: nothing is lost on a crash or reload
  await updateWaiting();
  if (!link.open || pumping) {
    if (!link.open) showQueued(scan);
  }
  pump();
}

// ------------------------------------------------------------------------------------------
// Screen
function setLinkStatus(connected) {
  const node = $('link-status');
  node.dataset.status = connected ? 'live' : 'offline';
  $('link-text').textContent = connected ? t.online : t.offline;
}

async function updateWaiting() {
  const n = await queue.count();
  const badge = $('waiting');
  badge.dataset.count = String(n);
  badge.textContent = t.waiting_scans(n);
  badge.hidden = n === 0;
}

function categoryLabel(id) {
  if (!id) return '';
  return id.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

function timeText(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });
}

function showResult(result, scan, { late } = {}) {
  const box = $('result');
  const status = result.status || 'malformed';
  box.dataset.status = status;
  box.dataset.tone = TONE[status] || 'bad';
  box.dataset.scanId = scan.scan_id;
  $('result-title').textContent = t.status[status] || status;
  const who = result.attendee || null;
  $('result-name').textContent = who ? who.name || '' : '';
  $('result-org').textContent = who ? who.organization || '' : '';
  if (who && who.country) {
    $('result-country').textContent = `${flag(who.country)} ${countryName(who.country, lang, t.no_country)}`;
  } else {
    $('result-country').textContent = who ? t.no_country : '';
  }
  $('result-category').textContent = who && who.category ? categoryLabel(who.category) : '';
  $('result-reason').textContent = result.reason || '';
  const meta = [scan.badge_id];
  if (result.zone) meta.push(`${t.zone}: ${result.zone}`);
  if (result.since) meta.push(`${t.since} ${timeText(result.since)}`);
  if (late || result.late) meta.push(t.replayed);
  $('result-meta').textContent = meta.join(' · ');
  flash(box);
}

function showQueued(scan) {
  const box = $('result');
  box.dataset.status = 'queued';
  box.dataset.tone = 'queued';
  box.dataset.scanId = scan.scan_id;
  $('result-title').textContent = t.queued;
  for (const id of ['result-name', 'result-org', 'result-country', 'result-category', 'result-reason']) $(id).textContent = '';
  $('result-meta').textContent = scan.badge_id;
  flash(box);
}

function flash(box) {
  box.classList.remove('flash');
  void box.offsetWidth;
  box.classList.add('flash');
}

function addHistory(result, scan, late) {
  const list = $('history');
  const li = document.createElement('li');
  li.dataset.tone = TONE[result.status] || 'bad';
  li.dataset.status = result.status;
  const who = result.attendee;
  const parts = [
    new Date(scan.device_time).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit', second: '2-digit' }),
    t.status[result.status] || result.status,
    who && who.name ? who.name : scan.badge_id,
  ];
  if (late) parts.push(t.replayed);
  li.textContent = parts.join(' · ');
  list.prepend(li);
  while (list.children.length > 6) list.lastChild.remove();
}

function setDirection(value) {
  direction = value === 'out' ? 'out' : 'in';
  document.body.dataset.direction = direction;
  for (const b of document.querySelectorAll('.dir-btn')) b.setAttribute('aria-pressed', String(b.dataset.direction === direction));
  try {
    localStorage.setItem('rollcall.direction', direction);
  } catch {
    /* ignore */
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
async function start() {
  const input = $('scan-input');
  $('title').textContent = t.desk_title;
  $('where').textContent = [event, `${t.desk} ${deskId}`, `${t.zone} ${zone}`].join(' · ');
  $('dir-in').textContent = t.entry;
  $('dir-out').textContent = t.exit_dir;
  $('scan-send').textContent = t.send;
  $('camera-btn').textContent = t.camera;
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
  if (!event) {
    $('result-title').textContent = t.no_event;
    $('result').dataset.tone = 'bad';
    return;
  }

  for (const b of document.querySelectorAll('.dir-btn')) {
    b.addEventListener('click', () => {
      setDirection(b.dataset.direction);
      input.focus();
    });
  }
  $('scan-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const value = input.value;
    input.value = '';
    submit(value);
    input.focus();
  });
  // Always focused: a keyboard-wedge scanner types wherever the focus is.
  const refocus = () => setTimeout(() => {
    if (document.activeElement !== input) input.focus({ preventScroll: true });
  }, 0);
  input.addEventListener('blur', refocus);
  document.addEventListener('click', refocus);
  window.addEventListener('focus', refocus);
  if ('BarcodeDetector' in window && navigator.mediaDevices) {
    $('camera-btn').hidden = false;
    $('camera-btn').addEventListener('click', toggleCamera);
  }
  input.focus();

  queue = await openScanQueue('rollcall-desk-' + event);
  await updateWaiting();
  document.body.dataset.ready = '1';
  link.connect();

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
