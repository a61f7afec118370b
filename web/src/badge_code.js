// Signed badge codes, checked in the browser so a desk kiosk can tell a genuine badge from a
// forged one while offline. The same rules as services/badges/badge_code.cpp (the gateway):
//   "RC1:" + base32 (RFC 4648, upper case, unpadded) of payload || Ed25519 signature (64 bytes)
//   payload: version 1, key id (4 bytes), event id (length byte + UTF-8), badge id (length byte
//            + bytes), first and last valid day (u16 big endian, days since 1970-01-01,
//            0 / 0xFFFF unbounded)
//   signed message: "rollcall-badge-v1" + payload
// Statuses: ok, malformed, unknown_key, retired_key, invalid_signature, wrong_event.
import nacl from 'tweetnacl';

export const CODE_PREFIX = 'RC1:';
export const MAX_CODE_LENGTH = 1024;
const SIGNATURE_CONTEXT = new TextEncoder().encode('rollcall-badge-v1');
const SIGNATURE_BYTES = 64;
const VERSION = 1;
const UNBOUNDED_FIRST = 0;
const UNBOUNDED_LAST = 0xffff;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
// The Ed25519 group order L, little endian: a signature's S must be below it (libsodium refuses
// the others, so the kiosk must too, or one badge could have two accepted spellings).
const GROUP_ORDER = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
]);

const emptyClaim = () => ({ key_id: '', event_id: '', badge_id: '', first_day: '', last_day: '' });

export function looksLikeBadgeCode(text) {
  return typeof text === 'string' && text.startsWith(CODE_PREFIX);
}

// Strict base32: only what an encoder writes (so no altered text decodes to the same bytes).
function base32Decode(text) {
  if ([1, 3, 6].includes(text.length % 8)) return null;
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let n = 0;
  for (const c of text) {
    const value = ALPHABET.indexOf(c);
    if (value < 0 || c.length !== 1) return null;
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (buffer >> bits) & 0xff;
    }
    buffer &= (1 << bits) - 1;
  }
  if (buffer !== 0) return null;
  return out;
}

function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function formatDay(days) {
  return new Date(days * 86400000).toISOString().slice(0, 10);
}

// "YYYY-MM-DD" (a real date) -> days since 1970-01-01, or null.
export function parseDay(text) {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
  const ms = Date.parse(text + 'T00:00:00Z');
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) return null;
  return ms / 86400000;
}

function readPayload(payload) {
  let at = 0;
  const take = (n) => {
    if (at + n > payload.length) return null;
    const part = payload.subarray(at, at + n);
    at += n;
    return part;
  };
  const id = () => {
    const length = take(1);
    if (!length || length[0] === 0) return null;
    return take(length[0]);
  };
  const u16 = () => {
    const b = take(2);
    return b ? (b[0] << 8) | b[1] : null;
  };
  const version = take(1);
  if (!version || version[0] !== VERSION) return null;
  const keyId = take(4);
  const eventId = id();
  const badgeId = id();
  const first = u16();
  const last = u16();
  if (!keyId || !eventId || !badgeId || first === null || last === null || at !== payload.length) return null;
  if (first === UNBOUNDED_LAST || last === UNBOUNDED_FIRST) return null;
  if (first !== UNBOUNDED_FIRST && last !== UNBOUNDED_LAST && first > last) return null;
  const decoder = new TextDecoder();
  return {
    claim: {
      key_id: hex(keyId),
      event_id: decoder.decode(eventId),
      badge_id: decoder.decode(badgeId),
      first_day: first === UNBOUNDED_FIRST ? '' : formatDay(first),
      last_day: last === UNBOUNDED_LAST ? '' : formatDay(last),
    },
    eventIdBytes: eventId,
  };
}

// The parts of a code, unverified: { claim, payload, signature }, or null when it is not a
// well-formed RC1 code.
export function parseBadgeCode(text) {
  if (!looksLikeBadgeCode(text) || text.length > MAX_CODE_LENGTH) return null;
  const bytes = base32Decode(text.slice(CODE_PREFIX.length));
  if (!bytes || bytes.length <= SIGNATURE_BYTES) return null;
  const payload = bytes.subarray(0, bytes.length - SIGNATURE_BYTES);
  const signature = bytes.subarray(bytes.length - SIGNATURE_BYTES);
  const parsed = readPayload(payload);
  if (!parsed) return null;
  return { claim: parsed.claim, eventIdBytes: parsed.eventIdBytes, payload, signature };
}

function base64Bytes(text) {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

// A key table entry: a Uint8Array (an active public key), or a BadgeKey as the gateway serves it
// ({public_key: base64 or Uint8Array, retired_at?}).
function keyOf(entry) {
  if (entry instanceof Uint8Array) return { publicKey: entry, retired: false };
  if (!entry || typeof entry !== 'object') return null;
  const publicKey = entry.public_key instanceof Uint8Array ? entry.public_key : base64Bytes(String(entry.public_key ?? ''));
  return publicKey ? { publicKey, retired: Boolean(entry.retired_at) } : null;
}

// GET /v1/events/E/badge-keys ({"keys":[BadgeKey...]}) -> the key table verifyBadgeCode takes.
export function keysFromBadgeKeys(json) {
  const keys = {};
  for (const key of json?.keys ?? []) if (key?.key_id) keys[key.key_id] = key;
  return keys;
}

function canonicalS(signature) {
  for (let i = 31; i >= 0; i--) {
    const s = signature[32 + i];
    if (s !== GROUP_ORDER[i]) return s < GROUP_ORDER[i];
  }
  return false; // S == L
}

function sameBytes(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

// Checks a code in the gateway's order: shape, key known, signature, key not retired, event.
// keys: {key_id: Uint8Array | BadgeKey}. Returns { status, claim }; the claim holds only what the
// signature vouches for (just key_id for unknown_key and invalid_signature). Never throws.
export function verifyBadgeCode(text, eventId, keys) {
  const result = { status: 'malformed', claim: emptyClaim() };
  const parsed = parseBadgeCode(text);
  if (!parsed) return result;
  result.claim.key_id = parsed.claim.key_id;
  const key = keys && Object.hasOwn(keys, parsed.claim.key_id) ? keyOf(keys[parsed.claim.key_id]) : null;
  if (!key || key.publicKey.length !== nacl.sign.publicKeyLength) {
    result.status = 'unknown_key';
    return result;
  }
  const message = new Uint8Array(SIGNATURE_CONTEXT.length + parsed.payload.length);
  message.set(SIGNATURE_CONTEXT);
  message.set(parsed.payload, SIGNATURE_CONTEXT.length);
  if (!canonicalS(parsed.signature) || !nacl.sign.detached.verify(message, parsed.signature, key.publicKey)) {
    result.status = 'invalid_signature';
    return result;
  }
  result.claim = parsed.claim;
  if (key.retired) result.status = 'retired_key';
  else if (!sameBytes(parsed.eventIdBytes, new TextEncoder().encode(String(eventId)))) result.status = 'wrong_event';
  else result.status = 'ok';
  return result;
}

// Whether the claim covers `day` ("YYYY-MM-DD", the event's local date).
export function validOn(claim, day) {
  const today = parseDay(day);
  if (today === null) return false;
  if (claim.first_day && !(today >= parseDay(claim.first_day))) return false;
  if (claim.last_day && !(today <= parseDay(claim.last_day))) return false;
  return true;
}
