// The dashboard's "Find an attendee" panel (organizers only): a search box that asks
// GET /v1/events/E/attendees?q= as the organizer types (debounced, the previous request
// aborted), and a table of the matches: badge, name in its own script (dir=auto), organization,
// country, category, inside or outside, revoked. Keyboard only: type, read; Escape clears;
// the answer's state is announced (aria-live). The gateway folds case, accents and scripts.
// With onChoose (the desk's registration mode) the matches are a list to pick from: Down from
// the box to the first row, Up/Down/Home/End between rows, Enter chooses, Escape back to the box.
import './attendee_lookup.css';
import { authHeaders } from './auth.js';
import { countryName } from './countries.js';
import { lookupStrings } from './lookup_i18n.js';
import { el } from './dom.js';

export const DEBOUNCE_MS = 250;
const MIN_CHARS = 2; // letters or digits, as the gateway counts them (it answers 400 below)
const MAX_BYTES = 64;

// Letters and digits of a query, as the gateway's minimum counts them (roughly: it also drops
// combining marks, which \p{M} excludes here too).
export function searchableLength(text) {
  return (text.match(/[\p{L}\p{N}]/gu) || []).length;
}

// categoryText(id): a category's label in the page's language (each page has its own rule).
export function createAttendeeLookup(root, { event, lang, categoryText, fetchImpl = fetch.bind(globalThis), onChoose = null, refusedText = null }) {
  const t = lookupStrings(lang);
  const category = categoryText;
  let shown = []; // the matches on screen, in row order
  const input = el('input', {
    type: 'search',
    id: 'lookup-q',
    autocomplete: 'off',
    spellcheck: false,
    maxLength: MAX_BYTES,
    placeholder: t.lookup_placeholder,
    'aria-label': t.lookup_title,
    'aria-describedby': 'lookup-state',
    'aria-controls': 'lookup-results',
  });
  const state = el('div', { class: 'lookup-state', id: 'lookup-state', role: 'status', 'aria-live': 'polite' });
  const results = el('div', { class: 'lookup-results', id: 'lookup-results' });
  root.replaceChildren(
    el('div', { class: 'lookup-head' }, el('h2', { id: 'h-lookup', text: t.lookup_title }), input),
    state,
    results,
  );
  root.classList.add('lookup-panel');

  let timer = 0;
  let controller = null;
  let asked = '';

  function show(kind, text) {
    state.dataset.state = kind;
    state.textContent = text;
  }

  function render(answer) {
    const head = [t.lookup_badge, t.lookup_name, t.lookup_organization, t.lookup_country, t.lookup_category, t.lookup_presence, t.lookup_status];
    shown = answer.matches;
    const rows = answer.matches.map((m, i) =>
      el(
        'tr',
        onChoose
          ? { 'data-badge': m.badge_id, 'data-index': String(i), class: m.revoked ? 'revoked' : '', tabIndex: i === 0 ? 0 : -1, 'aria-selected': 'false' }
          : { 'data-badge': m.badge_id, class: m.revoked ? 'revoked' : '' },
        el('td', { class: 'lookup-badge', text: m.badge_id, dir: 'ltr' }),
        el('td', { class: 'lookup-name', text: m.name, dir: 'auto' }),
        el('td', { text: m.organization, dir: 'auto' }),
        el('td', { text: countryName(m.country, lang, t.no_country) }),
        el('td', { text: category(m.category) }),
        el('td', { class: m.inside ? 'inside' : 'outside', 'data-inside': String(m.inside), text: m.inside ? t.lookup_inside : t.lookup_outside }),
        el('td', { class: m.revoked ? 'is-revoked' : '', 'data-revoked': String(m.revoked), text: m.revoked ? t.lookup_revoked : t.lookup_valid }),
      ),
    );
    const table = el(
      'table',
      onChoose ? { id: 'lookup-table', class: 'choosable', role: 'grid', 'aria-label': t.lookup_title } : { id: 'lookup-table' },
      el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, ...rows),
    );
    results.replaceChildren(answer.matches.length ? table : '');
    if (!answer.matches.length) show('none', t.lookup_none(asked));
    else show('found', answer.truncated ? t.lookup_more(answer.matches.length) : t.lookup_found(answer.matches.length));
  }

  async function search(query) {
    if (controller) controller.abort();
    controller = new AbortController();
    const mine = controller;
    asked = query;
    show('searching', t.lookup_searching);
    try {
      const response = await fetchImpl(`/v1/events/${encodeURIComponent(event)}/attendees?q=${encodeURIComponent(query)}`, {
        headers: authHeaders(),
        cache: 'no-store',
        signal: mine.signal,
      });
      if (mine !== controller) return;
      if (response.status === 401 || response.status === 403) {
        results.replaceChildren();
        return show('refused', refusedText || t.lookup_refused);
      }
      const body = await response.json().catch(() => ({}));
      if (mine !== controller) return;
      if (response.status === 400) {
        results.replaceChildren();
        return show('hint', body.code === 'query_too_long' ? t.lookup_too_long : t.lookup_hint);
      }
      if (!response.ok || !Array.isArray(body.matches)) throw new Error(String(response.status));
      render(body);
    } catch (error) {
      if (error && error.name === 'AbortError') return;
      if (mine !== controller) return;
      results.replaceChildren();
      show('error', t.lookup_error);
    }
  }

  function changed() {
    clearTimeout(timer);
    // Whatever the new text, an answer for the old one must not land on top of it.
    if (controller) controller.abort();
    controller = null;
    const query = input.value.trim();
    shown = [];
    if (!query) {
      results.replaceChildren();
      return show('idle', '');
    }
    if (searchableLength(query) < MIN_CHARS) {
      results.replaceChildren();
      return show('hint', t.lookup_hint);
    }
    if (new TextEncoder().encode(query).length > MAX_BYTES) {
      results.replaceChildren();
      return show('hint', t.lookup_too_long);
    }
    // Said at once, so a stale "no match" or hint never stands beside the new text.
    show('searching', t.lookup_searching);
    timer = setTimeout(() => search(query), DEBOUNCE_MS);
  }

  input.addEventListener('input', changed);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      // Enter searches at once (no waiting for the pause).
      e.preventDefault();
      clearTimeout(timer);
      const query = input.value.trim();
      if (query && searchableLength(query) >= MIN_CHARS) search(query);
    } else if (e.key === 'Escape' && input.value) {
      e.preventDefault();
      input.value = '';
      changed();
    }
  });
  // Choosing (the desk): rows take the focus one at a time (a roving tabindex).
  const rowsNow = () => [...results.querySelectorAll('tbody tr')];
  function focusRow(index) {
    const rows = rowsNow();
    if (!rows.length) return false;
    const i = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach((r, j) => {
      r.tabIndex = j === i ? 0 : -1;
      r.setAttribute('aria-selected', String(j === i));
    });
    rows[i].focus();
    rows[i].scrollIntoView({ block: 'nearest' });
    return true;
  }
  if (onChoose) {
    input.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown' && focusRow(0)) e.preventDefault();
    });
    results.addEventListener('keydown', (e) => {
      const row = e.target.closest && e.target.closest('tbody tr');
      if (!row) return;
      const i = Number(row.dataset.index);
      const last = rowsNow().length - 1;
      const moves = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: last, PageDown: i + 5, PageUp: i - 5 };
      if (e.key in moves) {
        e.preventDefault();
        if (e.key === 'ArrowUp' && i === 0) input.focus();
        else focusRow(moves[e.key]);
      } else if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        if (shown[i]) onChoose(shown[i]);
      } else if (e.key === 'Escape') {
        e.preventDefault();
        input.focus();
      }
    });
    results.addEventListener('click', (e) => {
      const row = e.target.closest && e.target.closest('tbody tr');
      if (row && shown[Number(row.dataset.index)]) onChoose(shown[Number(row.dataset.index)]);
    });
  }
  show('idle', '');
  return { input, search, focusRow, matches: () => shown };
}
