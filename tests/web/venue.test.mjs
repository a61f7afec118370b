// The venue page (/venue?venue=V): two co-located events with overlapping people (linked by the
// registry's person_id), one column per event and the venue's, where a person at both events
// counts once. Figures follow scans at desks of both events and online joins within a second;
// the cells equal a truth the test keeps itself; nothing is cut or outside the screen in the six
// languages at wall, laptop and phone sizes (Arabic right to left); a missing or refused token
// and an unknown venue show the gate, never figures.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { World, WebSocket, sleep } from './world.mjs';

const VENUE = 'palexpo-web';
const VENUE_NAME = 'Palexpo, Geneva';
const WSIS = 'wsis-v-2025';
const AIFG = 'aifg-v-2025';
const NAMES = { [WSIS]: 'WSIS+20 High-Level Event 2025', [AIFG]: 'AI for Good Global Summit 2025' };
const LANGS = ['ar', 'zh', 'en', 'fr', 'ru', 'es'];
const WALLS = [
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
  { width: 1366, height: 768 },
];
const PHONE = { width: 390, height: 844 };
const ZONE = 'Europe/Zurich';

// Event days: today (event time) and the next days, so the per-day rows show: a summit week
// (five days) beside a two-day event, and three headline categories: fifteen rows.
const today = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(new Date());
const dayAfter = (n) => new Date(Date.parse(today + 'T12:00:00Z') + n * 86400000).toISOString().slice(0, 10);
const CATEGORIES = [
  { id: 'minister', label: 'Ministers and deputy ministers', headline: true },
  { id: 'un', label: 'UN system', headline: true },
  { id: 'private_sector', label: 'Private sector' },
  { id: 'regulator', label: 'Regulators', headline: true },
  { id: 'youth', label: 'Youth' },
  { id: 'technical', label: 'Technical community' },
  { id: 'academia', label: 'Academia' },
  { id: 'media', label: 'Media' },
  { id: 'civil_society', label: 'Civil society' },
];

const HEAD = ['badge_id', 'country', 'category', 'name', 'organization', 'revoked', 'person_id'];
const GUEST_COUNTRIES = ['CH', 'FR', 'US', 'IN', 'BR', 'KE', 'CN', 'JP', 'DE', 'MX'];
const guests = (prefix, n) => Array.from({ length: n }, (_, i) => [`${prefix}-G${i + 1}`, GUEST_COUNTRIES[i % GUEST_COUNTRIES.length], ['civil_society', 'academia', 'technical'][i % 3], `Guest ${prefix}${i + 1}`, 'Example Org', '', '']);
// Anna, Camille, Wanjiru and Omar are registered for both events (one person id); W-4 and A-4
// share nothing and stay two people.
const WSIS_ROWS = [
  HEAD,
  ['W-1', 'CH', 'minister', 'Anna Keller', 'OFCOM', '', 'P-ANNA'],
  ['W-2', 'FR', 'regulator', 'Camille Martin', 'ARCEP', '', 'P-CAMILLE'],
  ['W-3', 'KE', 'youth', 'Wanjiru Kamau', 'Youth IGF Kenya', '', 'P-WANJIRU'],
  ['W-4', 'BR', 'technical', 'Pedro Souza', 'NIC.br', '', ''],
  ['W-5', 'EG', 'minister', 'Omar Hassan', 'MCIT', '', 'P-OMAR'],
  ['W-6', '', 'un', 'Sam Okafor', 'ITU', '', 'P-SAM'],
  ...guests('W', 30),
];
const AIFG_ROWS = [
  HEAD,
  ['A-1', 'CH', 'private_sector', 'Anna Keller', 'OFCOM', '', 'P-ANNA'],
  ['A-2', 'FR', 'regulator', 'Camille Martin', 'ARCEP', '', 'P-CAMILLE'],
  ['A-3', 'KE', 'youth', 'Wanjiru Kamau', 'Youth IGF Kenya', '', 'P-WANJIRU'],
  ['A-4', 'US', 'academia', 'Maya Johnson', 'MIT', '', ''],
  ['A-5', 'JP', 'media', 'Yuki Tanaka', 'NHK', '', ''],
  ['A-6', 'EG', 'minister', 'Omar Hassan', 'MCIT', '', 'P-OMAR'],
  ...guests('A', 20),
];
const ROWS = { [WSIS]: WSIS_ROWS, [AIFG]: AIFG_ROWS };

// The truth, kept by the test from what it did: per column, the people (venue persons) on site,
// inside now, joined online and connected now, with their countries.
class Truth {
  constructor() {
    this.columns = {};
    for (const c of [WSIS, AIFG, 'venue']) this.columns[c] = { onsite: new Set(), inside: new Set(), remote: new Set(), online: new Map(), country: new Map(), dayOnsite: new Set() };
  }
  static person(event, badge) {
    const row = ROWS[event].find((r) => r[0] === badge);
    return { id: row[6] || `${event}/${badge}`, country: row[1] };
  }
  enter(event, badge) {
    const p = Truth.person(event, badge);
    for (const c of [event, 'venue']) {
      const col = this.columns[c];
      col.onsite.add(p.id);
      col.dayOnsite.add(p.id);
      col.country.set(p.id, p.country);
    }
    this.columns[event].inside.add(p.id);
    this.venueInside();
  }
  leave(event, badge) {
    this.columns[event].inside.delete(Truth.person(event, badge).id);
    this.venueInside();
  }
  // Inside the venue: inside at any of its events.
  venueInside() {
    this.columns.venue.inside = new Set([...this.columns[WSIS].inside, ...this.columns[AIFG].inside]);
  }
  join(event, participant, { badge, country }) {
    const p = badge ? Truth.person(event, badge) : { id: `~${event}/${participant}`, country };
    for (const c of [event, 'venue']) {
      const col = this.columns[c];
      col.remote.add(p.id);
      col.online.set(p.id, (col.online.get(p.id) || 0) + 1);
      if (!col.country.has(p.id)) col.country.set(p.id, p.country);
    }
  }
  figures(column) {
    const col = this.columns[column];
    const people = new Set([...col.onsite, ...col.remote]);
    const countries = new Set([...people].map((p) => col.country.get(p)).filter(Boolean));
    return {
      participants: people.size,
      onsite: col.onsite.size,
      inside_now: col.inside.size,
      remote: col.remote.size,
      online_now: [...col.online.values()].filter((n) => n > 0).length,
      hybrid: [...col.onsite].filter((p) => col.remote.has(p)).length,
      countries_any: countries.size,
      ['day-' + today]: col.dayOnsite.size,
    };
  }
  // People counted at more than one event.
  shared() {
    return this.figures(WSIS).participants + this.figures(AIFG).participants - this.figures('venue').participants;
  }
}

let world;
let venueDisplay;
const truth = new Truth();
const desks = {};
let bridge;

before(async () => {
  world = await World.start({
    events: [
      { id: WSIS, registry: WSIS_ROWS, eventFile: { event_id: WSIS, name: NAMES[WSIS], time_zone: ZONE, days: [today, dayAfter(1)], zones: ['palexpo'], categories: CATEGORIES } },
      { id: AIFG, registry: AIFG_ROWS, eventFile: { event_id: AIFG, name: NAMES[AIFG], time_zone: ZONE, days: [today, dayAfter(1), dayAfter(2), dayAfter(3), dayAfter(4)], zones: ['palexpo'], categories: CATEGORIES } },
    ],
  });
  await world.createVenue(VENUE, VENUE_NAME, [WSIS, AIFG]);
  venueDisplay = await world.venueToken(VENUE, 'display');
  desks[WSIS] = await world.desk({ event: WSIS, deskId: 'wsis-door', zone: 'palexpo' });
  desks[AIFG] = await world.desk({ event: AIFG, deskId: 'aifg-door', zone: 'palexpo' });
  bridge = new WebSocket(`${world.base.replace('http', 'ws')}/v1/online?event=${AIFG}`, ['rollcall.v1.json'], {
    headers: { Authorization: `Bearer ${world.eventTokens[AIFG].platform}` },
  });
  await new Promise((ok, fail) => (bridge.once('open', ok), bridge.once('error', fail)));
});
after(async () => {
  for (const d of Object.values(desks)) d.close();
  bridge?.close();
  await world?.stop();
});

const venueUrl = (lang, { venue = VENUE, token = venueDisplay } = {}) => `${world.base}/venue?venue=${venue}&lang=${lang}${token ? '#token=' + token : ''}`;

async function openVenue(lang, viewport = WALLS[0], options = {}) {
  const { context, page } = await world.page({ viewport });
  await page.goto(venueUrl(lang, options));
  return { context, page };
}

async function scan(event, badge, direction = 'in') {
  const r = await desks[event].scan(badge, { direction, zone: 'palexpo' });
  const expected = direction === 'in' ? ['accepted', 'reentry'] : ['exit'];
  assert.ok(expected.includes(r.status), `${event} ${badge} ${direction}: ${JSON.stringify(r)}`);
  if (direction === 'in') truth.enter(event, badge);
  else truth.leave(event, badge);
}

async function join(participant, { badge = '', country = '' } = {}) {
  const reply = new Promise((ok) => bridge.once('message', (m) => ok(JSON.parse(m.toString()))));
  bridge.send(JSON.stringify({ batch: { bridge_id: 'venue-bridge', events: [{ presence_id: `j-${participant}`, kind: 'join', participant_id: participant, badge_id: badge, country, category: 'civil_society', platform: 'zoom', session: 'plenary', time: new Date().toISOString() }] } }));
  const answer = await reply;
  assert.ok(!answer.error, JSON.stringify(answer));
  truth.join(AIFG, participant, { badge, country });
}

// The page's figures: {column: {row: value}} from the cells' data-value.
function cellsOf(page) {
  return page.evaluate(() => {
    const out = {};
    for (const td of document.querySelectorAll('.venue-table td[id^="v-"]')) {
      const column = td.closest('table').querySelectorAll('thead th')[td.cellIndex].dataset.column;
      const row = td.parentElement.dataset.row;
      (out[column] ??= {})[row] = td.dataset.value === '' ? null : Number(td.dataset.value);
    }
    return out;
  });
}

// Waits until every figure the truth knows is on the page; returns how long it took.
async function untilTruth(page, timeout = 15000) {
  const expected = {};
  for (const c of [WSIS, AIFG, 'venue']) expected[c] = truth.figures(c);
  const at = Date.now();
  try {
    await page.waitForFunction((expected) => {
      for (const [column, rows] of Object.entries(expected)) {
        for (const [row, value] of Object.entries(rows)) {
          const td = document.getElementById(`v-${column}-${row}`);
          if (!td || td.dataset.value !== String(value)) return false;
        }
      }
      return true;
    }, expected, { timeout, polling: 20 });
  } catch (e) {
    assert.fail(`the page did not reach the truth in ${timeout} ms:\nexpected ${JSON.stringify(expected)}\nshown ${JSON.stringify(await cellsOf(page))}`);
  }
  return Date.now() - at;
}

async function apiTotals(path) {
  const r = await fetch(world.base + path, { headers: { Authorization: `Bearer ${venueDisplay}` } });
  assert.equal(r.status, 200, path);
  return r.json();
}

// Every visible element with its own text inside the viewport (sideways always; vertically too
// on a wall, which never scrolls), no cell or header cut (scrollWidth/scrollHeight beyond its
// box), no sideways scrolling, and at least minFont px.
async function layoutProblems(page, { scrolls = false, minFont = 0 } = {}) {
  return page.evaluate(({ scrolls, minFont }) => {
    const problems = [];
    const vw = document.documentElement.clientWidth;
    const vh = document.documentElement.clientHeight;
    const describe = (n) => `${n.tagName.toLowerCase()}${n.id ? '#' + n.id : ''}.${[...n.classList].join('.')} "${n.textContent.trim().slice(0, 40)}"`;
    for (const node of document.body.querySelectorAll('*')) {
      if (node.closest('[hidden]')) continue;
      const style = getComputedStyle(node);
      if (style.display === 'none' || style.visibility === 'hidden') continue;
      const ownText = [...node.childNodes].some((c) => c.nodeType === Node.TEXT_NODE && c.textContent.trim());
      if (!ownText) continue;
      const r = node.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.left < -0.5 || r.right > vw + 0.5 || (!scrolls && (r.top < -0.5 || r.bottom > vh + 0.5))) problems.push(`outside the viewport: ${describe(node)} ${JSON.stringify([r.left, r.top, r.right, r.bottom])}`);
      if (style.display !== 'inline' && node.clientWidth > 0) {
        if (node.scrollWidth > node.clientWidth + 1) problems.push(`cut sideways (${node.scrollWidth} > ${node.clientWidth}): ${describe(node)}`);
        if (node.scrollHeight > node.clientHeight + 1 && style.overflowY !== 'visible') problems.push(`cut vertically (${node.scrollHeight} > ${node.clientHeight}): ${describe(node)}`);
      }
      if (minFont && parseFloat(style.fontSize) < minFont - 0.01) problems.push(`font ${style.fontSize}: ${describe(node)}`);
    }
    // Each cell's text inside its cell: sideways entirely; vertically by its line (a script's
    // font box may rise above the line height, as on the wall, without ink being cut).
    for (const cell of document.querySelectorAll('.venue-table th, .venue-table td')) {
      const style = getComputedStyle(cell);
      if (cell.scrollWidth > cell.clientWidth + 1 || (style.overflowY !== 'visible' && cell.scrollHeight > cell.clientHeight + 1)) problems.push(`cell cut (${cell.scrollWidth}×${cell.scrollHeight} in ${cell.clientWidth}×${cell.clientHeight}): ${describe(cell)}`);
      const range = document.createRange();
      range.selectNodeContents(cell);
      const c = cell.getBoundingClientRect();
      for (const r of range.getClientRects()) {
        const middle = (r.top + r.bottom) / 2;
        if (r.left < c.left - 0.5 || r.right > c.right + 0.5 || middle < c.top || middle > c.bottom) problems.push(`text outside its cell ${JSON.stringify([r.left, r.top, r.right, r.bottom])} in ${JSON.stringify([c.left, c.top, c.right, c.bottom])}: ${describe(cell)}`);
      }
    }
    // No word broken across two lines ("personn|e"): a word that does not fit its column is
    // a layout to fix, not a place to cut. (Chinese breaks between any two characters.)
    if (document.documentElement.lang !== 'zh') {
      for (const node of document.querySelectorAll('.venue-table th, #shared-note, .gate-title, .gate-body, #venue-name')) {
        if (node.closest('[hidden]')) continue;
        const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
        for (let text = walker.nextNode(); text; text = walker.nextNode()) {
          // (A hyphenated word may break after its hyphen: "High-|Level".)
          for (const m of text.textContent.matchAll(/[^\s\-\u2010]+-?/g)) {
            const range = document.createRange();
            range.setStart(text, m.index);
            range.setEnd(text, m.index + m[0].length);
            const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
            if (tops.size > 1) problems.push(`a word broken across lines: "${m[0]}" in ${describe(node)}`);
          }
        }
      }
    }
    const table = document.querySelector('.venue-table');
    if (table) {
      const r = table.getBoundingClientRect();
      if (r.right > vw + 0.5 || r.left < -0.5 || (!scrolls && r.bottom > vh + 0.5)) problems.push(`the table is outside the viewport ${JSON.stringify([r.left, r.top, r.right, r.bottom])}`);
    }
    if (document.documentElement.scrollWidth > vw + 1) problems.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${vw})`);
    if (!scrolls && document.documentElement.scrollHeight > vh + 1) problems.push(`the wall scrolls (${document.documentElement.scrollHeight} > ${vh})`);
    return problems;
  }, { scrolls, minFont });
}

test('without an accepted token, or for an unknown venue, the page shows the gate and no figure', async (t) => {
  const cases = [
    { name: 'no token', token: '', states: ['no_token'] },
    { name: 'a made-up token', token: 'not-a-real-token', states: ['refused'] },
    { name: "an event's display token", token: world.eventTokens[WSIS].display, states: ['refused'] },
    { name: 'a desk token of the venue', token: await world.venueToken(VENUE, 'desk', ['--desk', 'gate-desk']), states: ['refused'] },
    // A venue that does not exist has no tokens: refused or unknown, never figures.
    { name: 'an unknown venue', venue: 'no-such-venue', token: venueDisplay, states: ['unknown_venue', 'refused'] },
    { name: 'no venue', venue: '', token: venueDisplay, states: ['no_venue'] },
  ];
  for (const [i, c] of cases.entries()) {
    const lang = LANGS[i % LANGS.length];
    const { context, page } = await openVenue(lang, WALLS[0], { venue: c.venue ?? VENUE, token: c.token });
    await page.waitForSelector('#gate:not([hidden])', { timeout: 15000 });
    const state = await page.evaluate(() => ({
      gate: document.querySelector('#gate').dataset.state,
      title: document.querySelector('#gate-title').textContent,
      board: document.querySelector('#board').hidden,
      cells: document.querySelectorAll('.venue-table td').length,
    }));
    t.diagnostic(`${c.name} (${lang}): gate ${state.gate}, "${state.title}"`);
    assert.ok(c.states.includes(state.gate), `${c.name}: gate ${state.gate}`);
    assert.ok(state.title.length > 0, `${c.name}: a title`);
    assert.equal(state.board, true, `${c.name}: no board`);
    assert.equal(state.cells, 0, `${c.name}: no figure drawn`);
    assert.deepEqual(await layoutProblems(page), [], `${c.name} (${lang})`);
    if (i < 3) await world.screenshot(page, `venue-gate-${c.name.replace(/\W+/g, '-')}-${lang}.png`);
    assert.deepEqual(page.errors, [], `${c.name}: no page error`);
    await context.close();
  }
});

test('figures follow scans and joins at both events within a second; a shared person counts once at the venue', async (t) => {
  const wall = await openVenue('en', WALLS[0]);
  const phone = await openVenue('ar', PHONE);
  for (const { page } of [wall, phone]) await page.waitForSelector('#link-status[data-status="live"]', { timeout: 10000 });
  const head = await wall.page.evaluate(() => [...document.querySelectorAll('.venue-table thead th')].map((th) => [th.dataset.column || '', th.textContent]));
  assert.deepEqual(head.slice(1).map(([c]) => c), [WSIS, AIFG, 'venue'], 'one column per event, the venue last');
  assert.equal(head[1][1], NAMES[WSIS]);
  assert.equal(head[2][1], NAMES[AIFG]);
  assert.equal(await wall.page.textContent('#venue-name'), VENUE_NAME);
  await untilTruth(wall.page);
  // Every number the note ever shows: the venue's figures follow its events' by a fold period,
  // and a note computed in between would count newcomers as shared.
  await wall.page.evaluate(() => {
    window.noteValues = [];
    const note = document.querySelector('#shared-note');
    new MutationObserver(() => window.noteValues.push(Number(note.dataset.value))).observe(note, { attributes: true, attributeFilter: ['data-value'] });
  });

  const lags = [];
  const step = async (what, action) => {
    await action();
    const ms = await untilTruth(wall.page);
    lags.push([what, ms]);
    await untilTruth(phone.page);
  };
  await step('Anna enters WSIS', () => scan(WSIS, 'W-1'));
  await step('Anna enters AI for Good (the same person)', () => scan(AIFG, 'A-1'));
  let cells = await cellsOf(wall.page);
  assert.equal(cells[WSIS].participants, 1);
  assert.equal(cells[AIFG].participants, 1);
  assert.equal(cells.venue.participants, 1, 'Anna counts once at the venue');
  assert.equal(cells.venue.inside_now, 1);
  await wall.page.waitForFunction(() => document.querySelector('#shared-note').dataset.value === '1', null, { timeout: 15000 });
  // A sentence whose number decides its grammar: one person, in the singular.
  assert.match(await wall.page.textContent('#shared-note'), /^1 person is counted at more than one event/);
  // Scans at both doors at once, people of one event and of both.
  await step('scans at both doors at once', () =>
    Promise.all([
      (async () => {
        for (const b of ['W-2', 'W-3', 'W-4', 'W-5', 'W-6', 'W-G1', 'W-G2']) await scan(WSIS, b);
      })(),
      (async () => {
        for (const b of ['A-2', 'A-4', 'A-5', 'A-G1']) await scan(AIFG, b);
      })(),
    ]),
  );
  await step('Wanjiru leaves WSIS', () => scan(WSIS, 'W-3', 'out'));
  await step('Wanjiru joins AI for Good online (hybrid at the venue, not at AI for Good)', () => join('zoom-wanjiru', { badge: 'A-3' }));
  await step('an unregistered participant joins online', () => join('zoom-guest-1', { country: 'IN' }));
  await step('Omar enters AI for Good (already counted at the venue)', () => scan(AIFG, 'A-6'));

  for (const [what, ms] of lags) t.diagnostic(`${what}: on the wall after ${ms} ms`);
  // A bound, not the speed (tools/bench measures that): tick + fold period, on a loaded machine.
  for (const [what, ms] of lags) assert.ok(ms < 5000, `${what}: ${ms} ms`);

  cells = await cellsOf(wall.page);
  const venueTruth = truth.figures('venue');
  assert.ok(venueTruth.participants < truth.figures(WSIS).participants + truth.figures(AIFG).participants, 'the test has shared people');
  assert.equal(venueTruth.hybrid, 1, 'Wanjiru: on site at one event, online at the other');
  assert.equal(truth.figures(AIFG).hybrid, 0);
  // The page shows what the gateway serves, including the rows the truth does not model
  // (headline categories).
  const api = { [WSIS]: await apiTotals(`/v1/events/${WSIS}/totals`), [AIFG]: await apiTotals(`/v1/events/${AIFG}/totals`), venue: await apiTotals(`/v1/venues/${VENUE}/totals`) };
  for (const column of [WSIS, AIFG, 'venue']) {
    const totals = api[column].totals || api[column];
    for (const row of ['participants', 'onsite', 'inside_now', 'remote', 'online_now', 'hybrid', 'countries_any']) assert.equal(cells[column][row], Number(totals[row] || 0), `${column} ${row}: the page and the API`);
    for (const c of ['minister', 'regulator', 'un']) assert.equal(cells[column]['cat-' + c], Number((totals.onsite_by_category || {})[c] || 0), `${column} ${c}`);
  }
  assert.equal(cells.venue['cat-minister'], 2, 'Anna and Omar, each once (Anna is private sector at AI for Good)');
  const shared = truth.shared();
  // The note takes a number once it has held for a moment (longer than a venue fold).
  await wall.page.waitForFunction((n) => document.querySelector('#shared-note').dataset.value === String(n), shared, { timeout: 15000 });
  await phone.page.waitForFunction((n) => document.querySelector('#shared-note').dataset.value === String(n), shared, { timeout: 15000 });
  const noteValues = await wall.page.evaluate(() => window.noteValues);
  t.diagnostic(`the note showed ${JSON.stringify(noteValues)}`);
  // Shared people only ever grew in this story: the note never showed more than there are.
  assert.ok(noteValues.every((v) => v <= shared), `the note overcounted: ${JSON.stringify(noteValues)} (truth ${shared})`);
  const note = await wall.page.evaluate(() => ({ value: document.querySelector('#shared-note').dataset.value, text: document.querySelector('#shared-note').textContent }));
  assert.equal(note.value, String(shared));
  assert.match(note.text, new RegExp(`^${shared} people are counted at more than one event`));
  const arNote = await phone.page.evaluate(() => document.querySelector('#shared-note').textContent);
  assert.ok(arNote.includes(new Intl.NumberFormat('ar-u-nu-latn').format(shared)) || arNote.includes(new Intl.NumberFormat('ar').format(shared)), arNote);
  await world.screenshot(wall.page, 'venue-live-en-1920x1080.png');
  await world.screenshot(phone.page, 'venue-live-ar-390x844.png', { fullPage: true });
  for (const p of [wall, phone]) {
    assert.deepEqual(p.page.errors, []);
    await p.context.close();
  }
});

test('thousands online: five-digit figures in every column that has them', async () => {
  // What a summit's wall shows: tens of thousands followed online (the longest numbers in the
  // cells: "12,345", "12 345", "12.345").
  const n = 12345;
  for (let i = 0; i < n; i += 1000) {
    const events = Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({ presence_id: `bulk-${i + k}`, kind: 'join', participant_id: `bulk-${i + k}`, country: GUEST_COUNTRIES[(i + k) % GUEST_COUNTRIES.length], category: 'civil_society', platform: 'zoom', session: 'plenary', time: new Date().toISOString() }));
    const reply = new Promise((ok) => bridge.once('message', (m) => ok(JSON.parse(m.toString()))));
    bridge.send(JSON.stringify({ batch: { bridge_id: 'venue-bridge', events } }));
    assert.ok(!(await reply).error);
    for (const e of events) truth.join(AIFG, e.participant_id, { country: e.country });
  }
  const { context, page } = await openVenue('en', WALLS[0]);
  await page.waitForSelector('#link-status[data-status="live"]', { timeout: 10000 });
  await untilTruth(page, 5000);
  assert.ok((await cellsOf(page)).venue.participants > 12345);
  await context.close();
});

for (const lang of LANGS) {
  test(`${lang}: every figure readable, nothing cut or off the screen, at ${[...WALLS, PHONE].map((v) => `${v.width}×${v.height}`).join(', ')}`, async (t) => {
    for (const viewport of [...WALLS, PHONE]) {
      const wall = viewport !== PHONE;
      const { context, page } = await openVenue(lang, viewport);
      await page.waitForSelector('#link-status[data-status="live"]', { timeout: 10000 });
      await untilTruth(page);
      await page.waitForFunction(() => document.querySelector('#shared-note')?.dataset.value !== '', null, { timeout: 15000 });
      await sleep(150); // fitText after the last frame
      const dir = await page.evaluate(() => document.documentElement.dir);
      assert.equal(dir, lang === 'ar' ? 'rtl' : 'ltr');
      if (lang === 'ar') {
        // Right to left: the figure names on the right, the venue's column leftmost.
        const order = await page.evaluate(() => {
          const ths = [...document.querySelectorAll('.venue-table thead th')];
          return ths.map((th) => th.getBoundingClientRect().left);
        });
        assert.ok(order.every((x, i) => i === 0 || x < order[i - 1]), `columns run right to left: ${order}`);
      }
      // Hall walls: no text under 1.75rem of the 1920×1080 design (28 px there, scaled).
      const minFont = wall ? 0.75 * 28 * Math.min(viewport.width / 1920, viewport.height / 1080) : 0;
      const problems = await layoutProblems(page, { scrolls: !wall, minFont });
      await world.screenshot(page, `venue-${lang}-${viewport.width}x${viewport.height}.png`, wall ? {} : { fullPage: true });
      assert.deepEqual(problems, [], `${lang} ${viewport.width}×${viewport.height}`);
      assert.deepEqual(page.errors, []);
      await context.close();
    }
    // A scan at each event shows on a page of this language while people still stand at the door:
    // usually 100–500 ms (tick + fold period); the bound leaves room for a loaded test machine,
    // whose 2 shared cores also run Chromium and two servers, and still fails a page that
    // stopped following.
    const { context, page } = await openVenue(lang, WALLS[0]);
    await page.waitForSelector('#link-status[data-status="live"]', { timeout: 10000 });
    await untilTruth(page);
    const i = LANGS.indexOf(lang);
    await Promise.all([scan(WSIS, `W-G${10 + i}`), scan(AIFG, `A-G${10 + i}`)]);
    const ms = await untilTruth(page);
    t.diagnostic(`${lang}: a scan at each event on the page after ${ms} ms`);
    assert.ok(ms < 5000, `${ms} ms`); // a bound on a loaded machine, not the speed
    await context.close();
  });
}
