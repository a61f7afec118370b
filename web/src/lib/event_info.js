// GET /v1/events/E/info: the event's public configuration (name, time zone, days, zones,
// categories with labels and headline marking) and its registered count. The answer also
// tells a page whether its token is accepted, before it shows a single figure.
import { authHeaders, getToken } from './auth.js';

// → {state: "ok", info, registered} | {state: "no_token" | "refused" | "unknown_event" | "unavailable"}
export async function loadEventInfo(event) {
  if (!getToken()) return { state: 'no_token' };
  let response;
  try {
    response = await fetch(`/v1/events/${encodeURIComponent(event)}/info`, { headers: authHeaders(), cache: 'no-store' });
  } catch {
    return { state: 'unavailable' };
  }
  if (response.status === 401 || response.status === 403) return { state: 'refused', status: response.status };
  if (response.status === 404) return { state: 'unknown_event' };
  if (!response.ok) return { state: 'unavailable' };
  const body = await response.json();
  return { state: 'ok', info: body.event || {}, registered: Number(body.registered) || 0 };
}

// The event's categories, headline ones first (in the event file's order within each group).
export function orderedCategories(info) {
  const list = (info && info.categories) || [];
  return [...list.filter((c) => c.headline), ...list.filter((c) => !c.headline)];
}
