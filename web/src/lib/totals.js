// Display state for /v1/display: a snapshot, then updates applied only on top of the seq they
// name (TotalsUpdate.prev_seq). Updates are deep-merged the way rollcall.proto describes:
// set scalar fields replace, present map entries replace whole entries (DayTotals and
// DeskHealth included). uint64 seq/prev_seq arrive as JSON strings (and are omitted when 0).

import { countCountries } from './member_states.js';

const ARRIVAL_MINUTES_KEPT = 180; // like the gateway's folder: displays show recent minutes only

export function seqOf(value) {
  if (value === undefined || value === null || value === '') return 0n;
  try {
    return BigInt(value);
  } catch {
    return -1n;
  }
}

export class DisplayState {
  constructor() {
    this.totals = null;
    this.seq = -1n; // no state yet
  }

  // Returns "applied", "ignored" or "gap" (the caller asks for a snapshot).
  receive(message) {
    if (message.snapshot) {
      this.totals = structuredClone(message.snapshot);
      this.seq = seqOf(message.snapshot.seq);
      trimMinutes(this.totals);
      return 'applied';
    }
    if (message.update) {
      if (!this.totals) return 'gap';
      const changes = message.update.totals || {};
      const prev = seqOf(message.update.prev_seq);
      const next = seqOf(changes.seq);
      if (next !== 0n && next <= this.seq) return 'ignored'; // older than what we have
      if (prev !== this.seq) return 'gap';
      mergeTotals(this.totals, changes);
      this.seq = next;
      trimMinutes(this.totals);
      return 'applied';
    }
    return 'ignored';
  }
}

// Every object-valued field of Totals is a map (timestamps are strings in JSON): merge maps by
// entry, replace everything else.
export function mergeTotals(target, changes) {
  for (const [key, value] of Object.entries(changes)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const map = target[key] && typeof target[key] === 'object' ? target[key] : (target[key] = {});
      for (const [entry, entryValue] of Object.entries(value)) map[entry] = entryValue;
    } else {
      target[key] = value;
    }
  }
  return target;
}

function trimMinutes(totals) {
  for (const field of ['arrivals_by_minute', 'joins_by_minute']) {
    const map = totals[field];
    if (!map) continue;
    const keys = Object.keys(map).sort();
    for (let i = 0; i < keys.length - ARRIVAL_MINUTES_KEPT; ++i) delete map[keys[i]];
  }
}

// What the pages draw, with absent online fields kept as undefined (shown as "—"). Countries
// are counted as the event's published figure counts them: UN Member and observer States with
// participants on site; territories and international organizations apart (member_states.js).
export function figures(totals) {
  const t = totals || {};
  const num = (v) => (typeof v === 'number' ? v : v === undefined || v === null ? undefined : Number(v));
  const onsiteCountries = countCountries(t.onsite_by_country);
  return {
    onsite: num(t.onsite) ?? 0,
    online_now: num(t.online_now),
    remote: num(t.remote),
    countries: onsiteCountries.states,
    territories: onsiteCountries.territories,
    international: onsiteCountries.international,
    inside_now: num(t.inside_now) ?? 0,
    participants: num(t.participants) ?? num(t.onsite) ?? 0,
    hybrid: num(t.hybrid),
    peak_online: num(t.peak_online),
  };
}

// Countries with their on-site / remote split, largest first. Key "" (no country: international
// organizations) is kept; callers decide whether to show it.
export function countryRows(totals) {
  const onsite = (totals && totals.onsite_by_country) || {};
  const remote = (totals && totals.remote_by_country) || {};
  const rows = new Map();
  for (const [code, n] of Object.entries(onsite)) {
    rows.set(code, { code, onsite: Number(n) || 0, remote: 0 });
  }
  for (const [code, n] of Object.entries(remote)) {
    const row = rows.get(code) || { code, onsite: 0, remote: 0 };
    row.remote = Number(n) || 0;
    rows.set(code, row);
  }
  const list = [...rows.values()]
    .map((r) => ({ ...r, total: r.onsite + r.remote }))
    .filter((r) => r.total > 0);
  list.sort((a, b) => b.total - a.total || b.onsite - a.onsite || a.code.localeCompare(b.code));
  return list;
}

// Per-minute series for the last `minutes` minutes that have data, zero-filled. Minute keys are
// "YYYY-MM-DDTHH:MM" in event time: read them as UTC and draw them in UTC so labels show event
// time. `nowKey` (the current minute in event time) ends an empty series, so that an empty
// chart's axis shows event time too, not UTC.
export function minuteSeries(totals, minutes = 60, nowKey) {
  const arrivals = (totals && totals.arrivals_by_minute) || {};
  const joins = (totals && totals.joins_by_minute) || {};
  const keys = [...Object.keys(arrivals), ...Object.keys(joins)].sort();
  const toSec = (key) => Date.parse(key + ':00Z') / 1000;
  let end = keys.length ? toSec(keys[keys.length - 1]) : nowKey ? toSec(nowKey) : Math.floor(Date.now() / 60000) * 60;
  if (!Number.isFinite(end)) end = Math.floor(Date.now() / 60000) * 60;
  const xs = [], a = [], j = [];
  const byA = new Map(Object.entries(arrivals).map(([k, v]) => [toSec(k), Number(v) || 0]));
  const byJ = new Map(Object.entries(joins).map(([k, v]) => [toSec(k), Number(v) || 0]));
  for (let s = end - (minutes - 1) * 60; s <= end; s += 60) {
    xs.push(s);
    a.push(byA.get(s) || 0);
    j.push(byJ.get(s) || 0);
  }
  return { xs, arrivals: a, joins: j, hasJoins: Object.keys(joins).length > 0, empty: keys.length === 0 };
}
