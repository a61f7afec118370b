// The registration routes as the desk calls them (docs: proto/rollcall/v1/registration.proto):
// every answer becomes { ok, status, body } or a problem { kind, field, badge, message } whose
// kind is one of the contract's codes (or offline, forbidden, busy, unexpected), so the kiosk
// words it in its own language. A change keeps its idempotency key until a final answer:
// a retry after a cut or a busy server repeats the same request, never a second one.
import { authHeaders } from './auth.js';
import { newScanId } from './scan_queue.js';

const KNOWN = new Set(['no_signing_key', 'badge_exists', 'already_replaced', 'unknown_badge', 'revoked', 'invalid_field', 'malformed']);
const BUSY = new Set(['unavailable', 'redis_unavailable', 'index_building', 'overloaded', 'too_many_requests']);
const REQUEST_TIMEOUT_MS = 10000;

// The kind of a refused answer, from its HTTP status and {"code","message"} body.
export function problemOf(status, body) {
  const code = body && typeof body.code === 'string' ? body.code : '';
  if (status === 401 || status === 403) return 'forbidden';
  if (KNOWN.has(code)) return code;
  if (BUSY.has(code) || status === 429 || status === 502 || status === 503 || status === 504) return 'busy';
  if (status === 400) return 'malformed';
  if (status === 404 && code === 'unknown_event') return 'unexpected';
  return 'unexpected';
}

// A problem the same request may be sent again for (the change may or may not have happened).
export function retryable(kind) {
  return kind === 'offline' || kind === 'busy' || kind === 'unexpected';
}

// The successor a refused replacement names: a field of the answer, else the id its message quotes.
function successorOf(body) {
  if (!body) return '';
  if (typeof body.replaced_by === 'string' && body.replaced_by) return body.replaced_by;
  const m = String(body.message || '').match(/(?:replaced by|by badge|successor)\s*(?:badge\s*)?["“']?([A-Za-z0-9_.:-]{1,64})/i);
  return m ? m[1] : '';
}

async function send(url, init) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    return await fetch(url, { ...init, cache: 'no-store', signal: controller.signal });
  } finally {
    clearTimeout(timer);
  }
}

// JSON in, JSON out. Never throws: { ok: true, status, body } or { ok: false, problem }.
export async function callJson(method, url, payload) {
  let response;
  try {
    const headers = { ...authHeaders() };
    if (payload !== undefined) headers['Content-Type'] = 'application/json';
    response = await send(url, { method, headers, body: payload === undefined ? undefined : JSON.stringify(payload) });
  } catch {
    return { ok: false, problem: { kind: 'offline', status: 0 } };
  }
  const body = await response.json().catch(() => null);
  if (response.ok && body && typeof body === 'object') return { ok: true, status: response.status, body };
  const kind = response.ok ? 'unexpected' : problemOf(response.status, body);
  return {
    ok: false,
    problem: {
      kind,
      status: response.status,
      field: body && typeof body.field === 'string' ? body.field : '',
      badge: kind === 'already_replaced' ? successorOf(body) : '',
      message: body && typeof body.message === 'string' ? body.message.slice(0, 300) : '',
    },
  };
}

// A badge's PDF: { ok, blob, bytes } when the answer is a PDF (checked by its %PDF header).
export async function fetchBadgePdf(event, badgeId, size) {
  const url = `/v1/events/${encodeURIComponent(event)}/badges/${encodeURIComponent(badgeId)}/badge.pdf?size=${encodeURIComponent(size)}`;
  let response;
  try {
    response = await send(url, { headers: authHeaders() });
  } catch {
    return { ok: false, problem: { kind: 'offline', status: 0 } };
  }
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    return { ok: false, problem: { kind: problemOf(response.status, body), status: response.status, field: '', badge: '', message: (body && body.message) || '' } };
  }
  const blob = await response.blob();
  const head = new Uint8Array(await blob.slice(0, 5).arrayBuffer());
  if (String.fromCharCode(...head) !== '%PDF-') return { ok: false, problem: { kind: 'not_pdf', status: response.status } };
  return { ok: true, blob: new Blob([blob], { type: 'application/pdf' }), bytes: blob.size };
}

// An idempotency key that lives until the request it names gets a final answer.
export class PendingKey {
  constructor(prefix) {
    this.prefix = prefix;
    this.id = null;
  }

  get() {
    if (!this.id) this.id = newScanId(this.prefix);
    return this.id;
  }

  // After an answer: a final one frees the key, a retryable one keeps it for the retry.
  settle(kind = null) {
    if (!kind || !retryable(kind)) this.id = null;
  }
}

export const routes = {
  tokenInfo: (event) => `/v1/events/${encodeURIComponent(event)}/token`,
  checkins: (event) => `/v1/events/${encodeURIComponent(event)}/checkins`,
  badges: (event) => `/v1/events/${encodeURIComponent(event)}/badges`,
  replacement: (event, badge) => `/v1/events/${encodeURIComponent(event)}/badges/${encodeURIComponent(badge)}/replacement`,
};
