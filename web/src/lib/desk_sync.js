// What the kiosk knows to decide on its own while offline: GET /v1/events/E/desk-sync (see
// services/checkin/desk_sync.h). Every badge record is sealed under a key derived from the badge
// id itself, so the kiosk can open the record of a badge that is scanned in front of it and no
// other: a tablet taken away holds no list of ids or names. Kept in IndexedDB (a large event's
// sync is over a megabyte) and loaded into memory when the page starts.
import nacl from 'tweetnacl';
import { looksLikeBadgeCode, validOn, verifyBadgeCode } from '../badge_code.js';

const CONTEXT = new TextEncoder().encode('rollcall-desk-sync-v1');
const TAG_BYTES = 8;
const NONCE_AT = 8;
const KEY_AT = 32;

function fromBase64(text) {
  return Uint8Array.from(atob(text || ''), (c) => c.charCodeAt(0));
}

function toBase64(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

// Badge ids are [A-Za-z0-9_.:-]: the fold upper-cases ASCII letters only, as the gateway does.
export function foldBadgeId(id) {
  return String(id).replace(/[a-z]/g, (c) => c.toUpperCase());
}

// The most badges a desk sync may carry (services/checkin/desk_sync.h, kMaxDeskSyncBadges).
export const MAX_SYNC_BADGES = 30000;
const TAG_TEXT = /^[A-Za-z0-9+/]{11}=$/; // 8 bytes in base64
const SEALED_TEXT = /^[A-Za-z0-9+/]+={0,2}$/;
const MAX_SEALED_CHARS = 1024;

// Why a desk sync answer cannot be used (a string), or null when it can: it must be for this
// event, carry a 16-byte salt, a time zone the browser knows, and at most MAX_SYNC_BADGES
// records of the right shape. Records themselves are authenticated (secretbox's MAC): an
// altered one does not open, and the badge reads as unknown.
export function syncProblem(json, eventId) {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return 'not an object';
  if (json.event_id !== eventId) return `for event ${String(json.event_id).slice(0, 64)}, not ${eventId}`;
  let salt;
  try {
    salt = fromBase64(json.salt);
  } catch {
    return 'salt is not base64';
  }
  if (salt.length !== 16) return 'salt is not 16 bytes';
  try {
    new Intl.DateTimeFormat('en', { timeZone: json.time_zone || 'UTC' });
  } catch {
    return 'unknown time zone';
  }
  const badges = json.badges || [];
  if (!Array.isArray(badges)) return 'badges is not a list';
  if (badges.length > MAX_SYNC_BADGES) return `${badges.length} badges, at most ${MAX_SYNC_BADGES}`;
  for (const b of badges) {
    if (!b || typeof b.tag !== 'string' || !TAG_TEXT.test(b.tag)) return 'a record has no 8-byte tag';
    if (typeof b.sealed !== 'string' || b.sealed.length > MAX_SEALED_CHARS || !SEALED_TEXT.test(b.sealed)) return 'a record is not sealed';
  }
  for (const key of ['days', 'zones']) {
    if (json[key] !== undefined && (!Array.isArray(json[key]) || json[key].some((v) => typeof v !== 'string'))) return `${key} is not a list of strings`;
  }
  return null;
}

export class DeskSync {
  constructor(json) {
    this.json = json;
    this.eventId = json.event_id || '';
    this.timeZone = json.time_zone || 'UTC';
    this.days = json.days || [];
    this.zones = json.zones || [];
    this.categories = json.categories || [];
    this.zoneLabels = json.zone_labels || {};
    this.generatedAt = json.generated_at || '';
    this.salt = fromBase64(json.salt);
    this.count = (json.badges || []).length;
    this.byTag = new Map();
    for (const record of json.badges || []) {
      const list = this.byTag.get(record.tag);
      if (list) list.push(record.sealed);
      else this.byTag.set(record.tag, [record.sealed]);
    }
  }

  // The badge record for an id as typed or scanned (any letter case), or null. When two
  // registry ids differ only by case, the exact one wins; otherwise the one that opens.
  lookup(id) {
    if (!id) return null;
    const folded = new TextEncoder().encode(foldBadgeId(id));
    const input = new Uint8Array(CONTEXT.length + this.salt.length + folded.length);
    input.set(CONTEXT);
    input.set(this.salt, CONTEXT.length);
    input.set(folded, CONTEXT.length + this.salt.length);
    const digest = nacl.hash(input);
    const sealedList = this.byTag.get(toBase64(digest.subarray(0, TAG_BYTES)));
    if (!sealedList) return null;
    const nonce = digest.subarray(NONCE_AT, NONCE_AT + nacl.secretbox.nonceLength);
    const key = digest.subarray(KEY_AT, KEY_AT + nacl.secretbox.keyLength);
    const opened = [];
    for (const sealed of sealedList) {
      const plain = nacl.secretbox.open(fromBase64(sealed), nonce, key);
      if (!plain) continue;
      try {
        opened.push(JSON.parse(new TextDecoder().decode(plain)));
      } catch {
        /* not a record: skip */
      }
    }
    return opened.find((b) => b.badge_id === id) || opened[0] || null;
  }

  category(id) {
    return this.categories.find((c) => c.id === id) || null;
  }
}

// "YYYY-MM-DD" of `when` in the event's time zone.
export function eventDay(when, timeZone) {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(when);
  const get = (type) => parts.find((p) => p.type === type).value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

// The badge id a scan names: the one a signed code carries (decoded, unverified: for display),
// or the text itself.
export function claimedBadgeId(code, eventId, keys) {
  if (!looksLikeBadgeCode(code)) return code;
  const check = verifyBadgeCode(code, eventId, keys || {});
  return check.claim.badge_id || '';
}

// The desk's own verdict, in the gateway's order (signature, badge days, event day, zone,
// registry): { verdict: 'admit' | 'refuse' | 'exit', status, badge } where status is a
// ScanStatus (unknown_badge, revoked, wrong_day, ...) or offline_admit / offline_exit.
// `keys`: the event's badge keys ({} or null: the event takes plain badge ids).
// `presence`: what this desk itself recorded today (LocalPresence), so a second entry reads
// "already inside" as far as the desk knows.
export function decideOffline({ code, direction, zone, sync, keys, presence = null, now = new Date() }) {
  const refuse = (status, badge = null) => ({ verdict: 'refuse', status, badge });
  const signed = keys && Object.keys(keys).length > 0;
  let badgeId = code;
  let claim = null;
  if (signed || looksLikeBadgeCode(code)) {
    if (!looksLikeBadgeCode(code)) return refuse('invalid_signature');
    const check = verifyBadgeCode(code, sync.eventId, keys || {});
    if (check.status === 'wrong_event') return refuse('wrong_event');
    if (check.status !== 'ok') return refuse('invalid_signature');
    claim = check.claim;
    badgeId = claim.badge_id;
  }
  const today = eventDay(now, sync.timeZone);
  const badge = sync.lookup(badgeId);
  if (claim && !validOn(claim, today)) return refuse('wrong_day', badge);
  if (sync.days.length > 0 && !sync.days.includes(today)) return refuse('wrong_day', badge);
  if (sync.zones.length > 0 && !sync.zones.includes(zone)) return refuse('not_allowed', badge);
  if (!badge) return refuse('unknown_badge');
  if (badge.revoked) return refuse('revoked', badge);
  if (direction === 'out') return { verdict: 'exit', status: 'offline_exit', badge };
  const inside = presence ? presence.inside(badge.badge_id, today) : null;
  if (inside) return { verdict: 'admit', status: 'already_inside', why: 'offline_already_inside', since: inside.since, badge };
  return { verdict: 'admit', status: 'offline_admit', badge };
}

// The gateway's answer as a verdict (what the volunteer should do).
const ADMIT = new Set(['accepted', 'reentry', 'already_inside']);
const EXIT = new Set(['exit', 'not_inside']);
export function verdictOf(status) {
  if (ADMIT.has(status) || status === 'offline_admit') return 'admit';
  if (EXIT.has(status) || status === 'offline_exit') return 'exit';
  if (status === 'malformed' || status === 'unavailable') return 'retry';
  return 'refuse';
}

// The verdict to report to the gateway with a replayed scan (rollcall.v1.OfflineVerdict).
export function reportedVerdict(verdict) {
  return verdict === 'refuse' ? 'offline_refused' : 'offline_admitted';
}

// Who this desk itself saw enter today and not leave: its own knowledge, for an offline
// "already inside". Kept in localStorage under keyed hashes of the badge ids (SHA-512 of a
// random per-desk salt and the folded id), so the tablet holds no list of ids; cleared when the
// event day changes.
export class LocalPresence {
  constructor(storageKey) {
    this.key = storageKey;
    let saved = null;
    try {
      saved = JSON.parse(localStorage.getItem(storageKey) || 'null');
    } catch {
      saved = null;
    }
    this.state = saved && typeof saved === 'object' && saved.salt ? saved : { salt: toBase64(nacl.randomBytes(16)), day: '', entries: {} };
    this.salt = fromBase64(this.state.salt);
  }

  hash(id) {
    const folded = new TextEncoder().encode(foldBadgeId(id));
    const input = new Uint8Array(this.salt.length + folded.length);
    input.set(this.salt);
    input.set(folded, this.salt.length);
    return toBase64(nacl.hash(input).subarray(0, 12));
  }

  dayOf(day) {
    if (this.state.day !== day) this.state = { ...this.state, day, entries: {} };
  }

  inside(id, day) {
    if (day < this.state.day) return null; // a scan from an earlier day (a late replay)
    this.dayOf(day);
    return this.state.entries[this.hash(id)] || null;
  }

  // An entry (since: ISO time) or an exit (since: null) this desk recorded or was told about.
  record(id, day, since) {
    if (!id || day < this.state.day) return;
    this.dayOf(day);
    const h = this.hash(id);
    if (since) this.state.entries[h] = { since };
    else delete this.state.entries[h];
    // Bounded: a desk sees at most a few thousand people a day; the oldest go first.
    const keys = Object.keys(this.state.entries);
    for (const k of keys.slice(0, Math.max(0, keys.length - 20000))) delete this.state.entries[k];
    try {
      localStorage.setItem(this.key, JSON.stringify(this.state));
    } catch {
      /* this page only */
    }
  }
}

// IndexedDB keeps the last sync per event.
const STORE = 'sync';
function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export async function openSyncStore(eventId) {
  const open = indexedDB.open('rollcall-desk-sync-' + eventId, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE);
  const db = await promised(open);
  return {
    async load() {
      const json = await promised(db.transaction(STORE, 'readonly').objectStore(STORE).get('current'));
      return json || null;
    },
    async save(json) {
      await promised(db.transaction(STORE, 'readwrite').objectStore(STORE).put(json, 'current'));
    },
  };
}
