// The organizer dashboard: login token, tables from the live totals, desk health, exports and
// rejected scans tolerated while their routes do not exist yet.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { EVENT_FILE, EVENT_ID, REGISTRY, World, sleep } from './world.mjs';

// A second event with many zones: long labels in six scripts (some zones without one), and
// capacities generated around the warning share (0.8 here) and the capacity itself.
const ZONES_EVENT = 'dash-zones-2025';
const LABELS = [
  'Assembly Hall of the International Conference Centre, level 1',
  'Salle des Assemblées du Centre international de conférences',
  'Sala de Asambleas del Centro Internacional de Conferencias',
  'Пленарный зал, Международный центр',
  '国际会议中心全体会议大厅（一层）',
  'قاعة الجمعية، مركز المؤتمرات',
];
const ZONE_COUNT = 17;
const WARNING = 0.8;
// zone i: [id, label or null, capacity or null, people to scan in]
const ZONES = Array.from({ length: ZONE_COUNT }, (_, i) => {
  const id = `zone_${String(i + 1).padStart(2, '0')}`;
  const capacity = i % 6 === 5 ? null : 3 + ((i * 7) % 11);
  const inside =
    capacity === null ? i % 4 : [Math.ceil(WARNING * capacity) - 1, Math.ceil(WARNING * capacity), capacity, capacity + 2, Math.floor(capacity / 3)][i % 5];
  return [id, i % 7 === 6 ? null : LABELS[i % LABELS.length], capacity, Math.min(inside, 20)];
});
const ZONES_FILE = {
  event_id: ZONES_EVENT,
  name: 'Zones and capacities, generated',
  time_zone: 'Europe/Zurich',
  days: [],
  zones: ZONES.map(([id]) => id),
  zone_labels: Object.fromEntries(ZONES.filter(([, label]) => label).map(([id, label]) => [id, label])),
  zone_capacities: Object.fromEntries(ZONES.filter(([, , c]) => c).map(([id, , c]) => [id, c])),
  capacity_warning: WARNING,
};
const expectedState = (n, capacity) => (capacity === null ? 'none' : n >= capacity ? 'full' : n / capacity >= WARNING ? 'near' : 'ok');

let world;
before(async () => {
  world = await World.start({ events: [{ id: EVENT_ID, eventFile: EVENT_FILE }, { id: ZONES_EVENT, eventFile: ZONES_FILE }] });
});
after(async () => {
  await world?.stop();
});

test('the dashboard shows tables, desk health and exports, and sends the login token', async (t) => {
  const deskA = await world.desk({ deskId: 'desk-a', zone: 'hall_a' });
  const deskB = await world.desk({ deskId: 'desk-b', zone: 'hall_b' });
  const badges = ['B-CH-1', 'B-CH-2', 'B-FR-1', 'B-KE-1', 'B-BR-1', 'B-EG-1', 'B-CN-1', 'B-JP-1', 'B-US-1', 'B-IN-1', 'B-UN-1'];
  for (const [i, b] of badges.entries()) await (i % 2 ? deskB : deskA).scan(b, { zone: i % 2 ? 'hall_b' : 'hall_a' });
  for (let i = 1; i <= 30; ++i) await deskA.scan(`B-X-${i}`);
  await deskB.scan('NOBODY-1');
  for (let i = 0; i < 3; ++i) await deskB.scan('B-REV-1'); // the same revoked badge, again and again
  await deskA.scan('B-X-1', { direction: 'out' });

  const { context, page } = await world.page({ viewport: { width: 1920, height: 1080 } });
  const headers = [];
  page.on('request', (r) => {
    if (r.url().includes('/v1/events/')) headers.push(r.headers().authorization || '');
  });
  // Record the subprotocols the page offers (the request headers of a WebSocket are not
  // visible to Playwright).
  await context.addInitScript(() => {
    const Native = window.WebSocket;
    window.__offered = [];
    window.WebSocket = class extends Native {
      constructor(url, protocols) {
        window.__offered.push(protocols);
        super(url, protocols);
      }
    };
  });
  await page.goto(`${world.base}/dashboard?event=${EVENT_ID}`);
  assert.equal(await page.textContent('#login-state'), 'Not signed in');
  await page.fill('#token', world.tokens.organizer);
  headers.length = 0; // from here on, every API request must carry the token
  await Promise.all([page.waitForNavigation(), page.click('#login-btn')]);
  await page.waitForSelector('#login[data-state="ok"]');
  assert.equal(await page.textContent('#login-state'), 'Signed in');
  assert.equal(await page.evaluate(() => localStorage.getItem('rollcall.token')), world.tokens.organizer);
  await page.waitForSelector('#link-status[data-status="live"]');
  // The socket offered the token as a subprotocol and the gateway chose rollcall.v1.json.
  assert.deepEqual(await page.evaluate(() => window.__offered.at(-1)), ['rollcall.v1.json', `rollcall.token.${world.tokens.organizer}`]);

  await page.waitForFunction(() => document.querySelector('#fig-onsite').dataset.value === '41');
  const totals = await world.totals();
  // Categories: labels, not ids; the headline ones first.
  const minister = await page.textContent('#categories tr[data-category="minister"]');
  assert.match(minister, /Ministers and deputy ministers\s*2/);
  assert.deepEqual((await page.locator('#categories tbody tr').evaluateAll((n) => n.map((r) => r.dataset.category))).slice(0, 3), ['minister', 'regulator', 'un']);
  // Checked in of registered, and the no-shows (the revoked badge is not registered).
  const registered = REGISTRY.slice(1).filter((r) => r[5] !== 'true').length;
  assert.equal(await page.getAttribute('#fig-checked_in', 'data-value'), '41');
  assert.equal(await page.getAttribute('#fig-registered', 'data-value'), String(registered));
  assert.equal(await page.getAttribute('#fig-no_shows', 'data-value'), String(registered - 41));
  assert.match(await page.textContent('#checkin-label'), new RegExp(`41 of ${registered} registered`));
  // Exports come first.
  const exportsBox = await page.locator('#exports-panel').boundingBox();
  const figuresBox = await page.locator('.figures').boundingBox();
  assert.ok(exportsBox.y < figuresBox.y, 'exports are above the figures');
  // Days
  const day = Object.keys(totals.days)[0];
  assert.match(await page.textContent(`#days tr[data-day="${day}"]`), new RegExp(`${day}\\s*41`));
  // Zones
  assert.match(await page.textContent('#zones tr[data-zone="hall_a"]'), new RegExp(`hall_a\\s*${totals.inside_by_zone.hall_a}`));
  assert.match(await page.textContent('#zones tr[data-zone="hall_b"]'), new RegExp(`hall_b\\s*${totals.inside_by_zone.hall_b}`));
  // Scans by result
  assert.match(await page.textContent('#statuses tr[data-status="unknown_badge"]'), /Unknown badge\s*1/);
  assert.match(await page.textContent('#statuses tr[data-status="already_inside"], #statuses tr[data-status="accepted"]'), /First entry of the day|Already inside/);
  // Every country, searchable and sortable (not a top 12).
  const listed = await page.locator('#countries tbody tr[data-country]').count();
  assert.equal(listed, new Set(Object.keys(totals.onsite_by_country)).size);
  t.diagnostic(`${listed} rows in the countries table`);
  await page.fill('#country-search', 'switz');
  assert.deepEqual(await page.locator('#countries tbody tr').evaluateAll((n) => n.map((r) => r.dataset.country)), ['CH']);
  await page.fill('#country-search', '');
  await page.click('#countries button[data-sort="name"]');
  const names = await page.locator('#countries tbody tr td:first-child').allTextContents();
  assert.deepEqual(names, [...names].sort(new Intl.Collator('en').compare));
  await page.click('#countries button[data-sort="onsite"]');
  const counts = (await page.locator('#countries tbody tr td:nth-child(3)').allTextContents()).map(Number);
  assert.deepEqual(counts, [...counts].sort((a, b) => b - a));
  // Desks: scans, rejected, rejection rate, state
  const deskBRow = await page.locator('#desks tr[data-desk="desk-b"] td').allTextContents();
  assert.equal(deskBRow[0], 'desk-b');
  assert.equal(deskBRow[1], 'active');
  assert.equal(deskBRow[2], String(totals.desks['desk-b'].scans));
  assert.equal(deskBRow[4], String(totals.desks['desk-b'].rejected));
  assert.ok(totals.desks['desk-b'].rejected >= 2);
  // Scans per minute from deltas: more scans while the page watches.
  for (let i = 31; i <= 36; ++i) await deskA.scan(`B-X-${i}`);
  const cell = '#desks tr[data-desk="desk-a"] td:nth-child(4)';
  await page.waitForFunction((sel) => Number(document.querySelector(sel).textContent) > 0, cell, { timeout: 10000 });
  const rate = await page.textContent(cell);
  t.diagnostic(`desk-a scans/min shown: ${rate}`);
  assert.ok(Number(rate) > 0, `scans per minute: ${rate}`);
  // Exports: 5 kinds × 3 formats
  assert.equal(await page.locator('#exports .export-btn').count(), 15);
  assert.equal(await page.getAttribute('[data-export="attendees.csv"]', 'href'), `/v1/events/${EVENT_ID}/exports/attendees.csv`);
  await page.click('[data-export="summary.json"]');
  await page.waitForFunction(() => /summary\.json/.test(document.querySelector('#exports-note').textContent) && !/Preparing/.test(document.querySelector('#exports-note').textContent));
  // Rejected scans, grouped: the revoked badge tried three times is one row and one alert.
  await page.waitForSelector('#rejected tbody tr[data-badge="B-REV-1"]');
  const revokedRow = await page.locator('#rejected tbody tr[data-badge="B-REV-1"] td').allTextContents();
  assert.equal(revokedRow[1], 'Revoked badge');
  assert.equal(revokedRow[2], '3');
  assert.equal(await page.locator('#rejected tbody tr[data-badge="B-REV-1"]').count(), 1);
  assert.match(await page.textContent('#alerts [data-alert="repeat"][data-key="B-REV-1"]'), /Badge B-REV-1 \(Revoked badge\) tried 3 times/);
  // Times in event time (Europe/Zurich), 24-hour, the zone named in the column head.
  const rejected = await (await fetch(`${world.base}/v1/events/${EVENT_ID}/scans/rejected?limit=10`, { headers: { Authorization: `Bearer ${world.tokens.organizer}` } })).json();
  const last = rejected.find((r) => r.badge_id === 'B-REV-1');
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Zurich', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(last.server_time)).map((x) => [x.type, x.value]));
  assert.equal(revokedRow[3], `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`);
  const zoneName = new Intl.DateTimeFormat('en', { timeZone: 'Europe/Zurich', timeZoneName: 'longGeneric' }).formatToParts(new Date()).find((x) => x.type === 'timeZoneName').value;
  assert.match(await page.textContent('#rejected thead'), new RegExp(`\\(${zoneName}\\)`));
  assert.match(await page.textContent('#desks tr[data-desk="desk-b"] td:last-child'), /^\d{2}:\d{2}:\d{2} \(/);
  // Every HTTP call to the API carried the token.
  assert.ok(headers.length >= 2, 'API requests were made');
  for (const h of headers) assert.equal(h, `Bearer ${world.tokens.organizer}`);
  await sleep(600);
  await world.screenshot(page, 'dashboard.png', { fullPage: true });
  assert.deepEqual(page.errors, []);
  deskA.close();
  deskB.close();
  await context.close();
});

test('a refused or missing organizer token is said across the page, never "Signed in" or zeros', async () => {
  for (const [hash, state, title] of [
    ['', 'no_token', 'Sign in with an organizer token'],
    ['#token=rc_not-a-real-token', 'refused', 'Organizer token refused'],
    [`#token=${world.tokens.display}`, 'refused', 'Organizer token refused'], // a display's token
  ]) {
    const { context, page } = await world.page();
    await page.goto(`${world.base}/dashboard?event=${EVENT_ID}${hash}`);
    await page.waitForSelector(`#gate[data-state="${state}"]:not([hidden])`, { timeout: 10000 });
    assert.equal(await page.textContent('#gate-title'), title);
    assert.notEqual(await page.textContent('#login-state'), 'Signed in');
    assert.notEqual(await page.textContent('#link-text'), 'Connecting…');
    assert.equal(await page.locator('#main').isHidden(), true);
    assert.equal(await page.locator('.figure-value:visible').count(), 0);
    await context.close();
  }
  // In every language and at every size: said in the page's language, never "signed in" or
  // "connecting", nothing cut sideways.
  const english = new Set(['Sign in with an organizer token', 'Organizer token refused', 'Signed in', 'Connecting…']);
  for (const viewport of [{ width: 1920, height: 1080 }, { width: 1280, height: 720 }, { width: 390, height: 844 }]) {
    for (const lang of ['ar', 'zh', 'en', 'fr', 'ru', 'es']) {
      for (const [hash, state] of [['', 'no_token'], ['#token=rc_not-a-real-token', 'refused']]) {
        const { context, page } = await world.page({ viewport });
        await page.goto(`${world.base}/dashboard?event=${EVENT_ID}&lang=${lang}${hash}`);
        await page.waitForSelector(`#gate[data-state="${state}"]:not([hidden])`, { timeout: 10000 });
        const said = [await page.textContent('#gate-title'), await page.textContent('#login-state'), await page.textContent('#link-text')];
        if (lang !== 'en') assert.deepEqual(said.filter((x) => english.has(x)), [], `${lang}: English`);
        assert.equal(await page.getAttribute('#login', 'data-state'), state === 'refused' ? 'refused' : 'none');
        assert.notEqual(await page.getAttribute('#link-status', 'data-status'), 'connecting');
        const cut = await page.evaluate(() =>
          [...document.querySelectorAll('body *')]
            .filter((n) => n.clientWidth > 0 && n.scrollWidth > n.clientWidth + 1)
            .map((n) => `${n.tagName}#${n.id}.${n.className} "${n.textContent.slice(0, 40)}"`)
            .concat(document.documentElement.scrollWidth > document.documentElement.clientWidth + 1 ? ['page'] : []),
        );
        assert.deepEqual(cut, [], `${lang} ${viewport.width} ${state}: cut sideways`);
        await context.close();
      }
    }
  }
});

test('the dashboard in Arabic: every word translated, no raw id', async () => {
  const { context, page } = await world.page();
  await page.goto(world.url(`/dashboard?event=${EVENT_ID}&lang=ar`, 'organizer'));
  await page.waitForSelector('#link-status[data-status="live"]');
  await page.waitForFunction(() => Number(document.querySelector('#fig-onsite').dataset.value) > 0);
  assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
  const text = await page.evaluate(() => document.querySelector('#main').innerText + document.querySelector('.topbar').innerText);
  for (const raw of ['private_sector', 'already_inside', 'unknown_badge', 'civil_society', 'Signed in', 'Nothing yet', 'Categories', 'Desks', 'Exports']) {
    assert.ok(!text.includes(raw), `"${raw}" is shown in Arabic`);
  }
  assert.match(await page.textContent('#categories tr[data-category="minister"]'), /الوزراء ونواب الوزراء/);
  assert.deepEqual(page.errors, []);
  await context.close();
});

// Every word the page writes itself (headings, column heads, figure labels, legends, results,
// categories, sign-in state), per language.
async function pageWords(lang) {
  const { context, page } = await world.page();
  await page.goto(world.url(`/dashboard?event=${EVENT_ID}&lang=${lang}`, 'organizer'));
  await page.waitForSelector('#link-status[data-status="live"]');
  await page.waitForFunction(() => Number(document.querySelector('#fig-onsite').dataset.value) > 0);
  await page.waitForSelector('#rejected tbody tr[data-badge]');
  const words = await page.evaluate(() => {
    const texts = [...document.querySelectorAll('h2, th, .figure-label, .legend-text, .export-kind, #statuses td:first-child, #categories td:first-child, #people td:first-child, #rejected td:nth-child(2), #desks td:nth-child(2), #countries td:nth-child(2), .login-state, .link-text, .country-rule .rule-text, #alerts li, .clock-zone')]
      .map((n) => n.textContent.trim());
    texts.push(document.querySelector('#country-search').placeholder, document.querySelector('#logout-btn').textContent);
    return texts.filter((x) => /\p{L}/u.test(x));
  });
  const text = await page.evaluate(() => document.querySelector('#main').innerText + document.querySelector('.topbar').innerText);
  const dir = await page.getAttribute('html', 'dir');
  assert.deepEqual(page.errors, []);
  await context.close();
  return { words, text, dir };
}

test('the dashboard in all six languages: no English left in the others, no raw id', async (t) => {
  const english = await pageWords('en');
  t.diagnostic(`${english.words.length} English texts`);
  assert.ok(english.words.length > 60, 'the page writes its words');
  // Badge ids and desk ids are data, not words; a few words are the same in English.
  const same = { fr: ['Participants', 'Zone', 'Badge', 'Scans', 'Scans/min', 'Total ▼'], es: ['Total ▼'], ru: [], zh: [], ar: [] };
  for (const lang of ['fr', 'es', 'ru', 'zh', 'ar']) {
    const { words, text, dir } = await pageWords(lang);
    assert.equal(dir, lang === 'ar' ? 'rtl' : 'ltr');
    const englishLeft = words.filter((w) => english.words.includes(w) && !same[lang].includes(w) && !/^(B-|desk-)/.test(w));
    assert.deepEqual([...new Set(englishLeft)], [], `${lang}: English left`);
    for (const raw of ['private_sector', 'already_inside', 'unknown_badge', 'civil_society', 'revoked', 'minister', 'Signed in', 'Nothing yet']) {
      assert.ok(!text.includes(raw), `${lang}: "${raw}" is shown`);
    }
  }
});

test('the plain live page at / shows the figures', async () => {
  const { context, page } = await world.page({ viewport: { width: 1000, height: 700 } });
  await page.goto(world.url(`/?event=${EVENT_ID}`, 'display'));
  await page.waitForSelector('#status.live');
  const totals = await world.totals();
  await page.waitForFunction((n) => document.querySelector('#onsite').textContent === String(n), totals.onsite);
  assert.ok(await page.locator(`a[href="/wall?event=${EVENT_ID}&lang=en"]`).count());
  assert.deepEqual(page.errors, []);
  await context.close();
});

// Reads a table's column in the page and says whether it is in the given order: numbers (with
// grouping, %) as numbers, times as written (YYYY-MM-DD HH:MM / HH:MM:SS sort as text), anything
// else by the page language's collation; cells without a value ('—', empty) last either way.
async function columnOrder(page, tableId, column, dir, lang) {
  return page.evaluate(
    ({ tableId, column, dir, lang }) => {
      const texts = [...document.querySelectorAll(`#${tableId} tbody tr`)].map((r) => (r.children[column] ? r.children[column].textContent.trim() : ''));
      const present = texts.filter((x) => x !== '—' && x !== '');
      const missingAt = texts.findIndex((x) => x === '—' || x === '');
      const blanksLast = missingAt < 0 || texts.slice(missingAt).every((x) => x === '—' || x === '');
      const numeric = present.length > 0 && present.every((x) => /^-?[\d,.\u00a0\u202f\s]+%?$/.test(x));
      const timeLike = present.length > 0 && present.every((x) => /^(\d{4}-\d{2}-\d{2} )?\d{2}:\d{2}(:\d{2})?/.test(x));
      const collator = new Intl.Collator(lang, { numeric: true, sensitivity: 'base' });
      const key = (x) => (numeric ? Number(x.replace(/[^\d.-]/g, '')) : x);
      const when = (x) => x.match(/^(\d{4}-\d{2}-\d{2} )?\d{2}:\d{2}(:\d{2})?/)[0];
      const cmp = (a, b) => (numeric ? key(a) - key(b) : timeLike ? (when(a) < when(b) ? -1 : when(a) > when(b) ? 1 : 0) : collator.compare(a, b));
      const sorted = present.every((x, i) => i === 0 || cmp(present[i - 1], x) * dir <= 0);
      return { sorted, blanksLast, rows: texts.length, distinct: new Set(present).size, numeric, sample: texts.slice(0, 6) };
    },
    { tableId, column, dir, lang },
  );
}

test('every table sorts by any column from the keyboard, and keeps its column across live updates', async (t) => {
  const deskC = await world.desk({ deskId: 'desk-sort-c', zone: 'hall_a' });
  const deskD = await world.desk({ deskId: 'desk-sort-d', zone: 'room_1' });
  for (let i = 100; i < 130; ++i) await (i % 3 ? deskC : deskD).scan(`B-X-${i}`, { zone: i % 3 ? 'hall_a' : 'room_1' });
  await deskD.scan('NOBODY-SORT');
  await deskC.scan('B-REV-1');
  const { context, page } = await world.page({ viewport: { width: 1920, height: 1080 } });
  await page.goto(world.url(`/dashboard?event=${EVENT_ID}`, 'organizer'));
  await page.waitForSelector('#link-status[data-status="live"]');
  await page.waitForFunction(() => Number(document.querySelector('#fig-onsite')?.dataset.value) >= 30);
  await page.waitForSelector('#rejected tbody tr[data-badge]');
  let checked = 0;
  const uniform = new Set(); // columns whose values are all alike: their order cannot be wrong
  for (const id of ['categories', 'days', 'zones', 'statuses', 'people', 'countries', 'desks', 'rejected']) {
    const keys = await page.locator(`#${id} thead button.sort`).evaluateAll((b) => b.map((x) => x.dataset.sort));
    assert.ok(keys.length >= 2, `${id}: sort buttons in its head`);
    for (const [column, key] of keys.entries()) {
      const button = page.locator(`#${id} button.sort[data-sort="${key}"]`);
      await button.focus();
      const first = [];
      for (const press of ['Enter', ' ']) {
        await page.keyboard.press(press);
        const state = await page.evaluate(
          ({ id, key }) => ({
            sorts: [...document.querySelectorAll(`#${id} thead th`)].map((th) => th.getAttribute('aria-sort')),
            focused: document.activeElement && document.activeElement.dataset.sort === key && !!document.activeElement.closest(`#${id}`),
          }),
          { id, key },
        );
        assert.ok(state.focused, `${id}.${key}: the focus stays on the button`);
        const chosen = state.sorts[column];
        assert.ok(chosen === 'ascending' || chosen === 'descending', `${id}.${key}: aria-sort ${chosen}`);
        assert.deepEqual(state.sorts.filter((s, i) => i !== column && s !== 'none'), [], `${id}.${key}: one column chosen`);
        first.push(chosen);
        const order = await columnOrder(page, id, column, chosen === 'ascending' ? 1 : -1, 'en');
        assert.ok(order.sorted && order.blanksLast, `${id}.${key} ${chosen}: ${JSON.stringify(order)}`);
        if (order.distinct < 2) uniform.add(`${id}.${key}`);
        checked += 1;
      }
      assert.notEqual(first[0], first[1], `${id}.${key}: a second press turns the order round`);
    }
  }
  t.diagnostic(`${checked} column orders checked; all values alike (order not really tested) in ${[...uniform].join(', ') || 'none'}`);
  // Most columns must hold different values here, or this test would prove little about order.
  assert.ok(uniform.size * 2 <= checked / 2, `${uniform.size} uniform columns of ${checked / 2}`);
  // Live updates keep the chosen column: countries by name A→Z, zones by inside ascending.
  await page.locator('#countries button.sort[data-sort="name"]').click();
  if ((await page.getAttribute('#countries th[data-column="name"]', 'aria-sort')) !== 'ascending') await page.locator('#countries button.sort[data-sort="name"]').click();
  await page.locator('#zones button.sort[data-sort="inside"]').click();
  if ((await page.getAttribute('#zones th[data-column="inside"]', 'aria-sort')) !== 'ascending') await page.locator('#zones button.sort[data-sort="inside"]').click();
  const before = Number(await page.getAttribute('#fig-onsite', 'data-value'));
  for (let i = 130; i < 140; ++i) await deskD.scan(`B-X-${i}`, { zone: 'room_1' });
  await page.waitForFunction((n) => Number(document.querySelector('#fig-onsite')?.dataset.value) >= n + 10, before);
  await sleep(300);
  assert.equal(await page.getAttribute('#countries th[data-column="name"]', 'aria-sort'), 'ascending');
  assert.equal(await page.getAttribute('#zones th[data-column="inside"]', 'aria-sort'), 'ascending');
  assert.ok((await columnOrder(page, 'countries', 0, 1, 'en')).sorted, 'countries still by name');
  assert.ok((await columnOrder(page, 'zones', 1, 1, 'en')).sorted, 'zones still by inside, ascending');
  assert.deepEqual(page.errors, []);
  await context.close();
  // Text by the page language's collation (Arabic, French, Chinese, Russian names).
  for (const lang of ['fr', 'ar', 'ru', 'zh']) {
    const { context: c2, page: p2 } = await world.page();
    await p2.goto(world.url(`/dashboard?event=${EVENT_ID}&lang=${lang}`, 'organizer'));
    await p2.waitForFunction(() => document.querySelectorAll('#countries tbody tr[data-country]').length > 3);
    await p2.locator('#countries button.sort[data-sort="name"]').click();
    const dir = (await p2.getAttribute('#countries th[data-column="name"]', 'aria-sort')) === 'ascending' ? 1 : -1;
    const order = await columnOrder(p2, 'countries', 0, dir, lang);
    assert.ok(order.sorted, `${lang}: ${JSON.stringify(order)}`);
    assert.deepEqual(p2.errors, []);
    await c2.close();
  }
  deskC.close();
  deskD.close();
});

// Elements of the zones and alerts panels (and the page) that stick out or are cut sideways.
async function zoneOverflow(page) {
  return page.evaluate(() => {
    const out = [];
    const vw = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > vw + 1) out.push(`page ${document.documentElement.scrollWidth} > ${vw}`);
    for (const id of ['zones-panel', 'alerts-panel', 'checkin', 'rejected-panel']) {
      const box = document.getElementById(id);
      if (id !== 'rejected-panel' && box.scrollWidth > box.clientWidth + 1) out.push(`#${id} scrolls sideways ${box.scrollWidth} > ${box.clientWidth}`);
      const edge = box.getBoundingClientRect();
      if (edge.left < -1 || edge.right > vw + 1) out.push(`#${id} outside the viewport`);
    }
    for (const n of document.querySelectorAll('#zones td, #zones th, #alerts li')) {
      const r = n.getBoundingClientRect();
      const panel = n.closest('.panel').getBoundingClientRect();
      if (r.left < panel.left - 1 || r.right > panel.right + 1) out.push(`${n.tagName} "${n.textContent.slice(0, 30)}" outside its panel`);
      if (n.scrollWidth > n.clientWidth + 1) out.push(`${n.tagName} "${n.textContent.slice(0, 30)}" cut`);
    }
    return out;
  });
}

test('zones: labels, inside now of capacity, ok / near / full in words and colour, an alert at the threshold', async (t) => {
  // /info carries the capacities and the warning share to the page.
  const info = await (await fetch(`${world.base}/v1/events/${ZONES_EVENT}/info`, { headers: { Authorization: `Bearer ${world.eventTokens[ZONES_EVENT].organizer}` } })).json();
  assert.deepEqual(info.event.zone_capacities, ZONES_FILE.zone_capacities);
  assert.equal(info.event.capacity_warning, WARNING);
  const desk = await world.desk({ event: ZONES_EVENT, deskId: 'desk-zones', zone: 'zone_01' });
  let badge = 1;
  for (const [id, , , inside] of ZONES) {
    for (let k = 0; k < inside; ++k) {
      const r = await desk.scan(`B-X-${badge++}`, { zone: id });
      assert.equal(r.status, 'accepted', `${id}: ${JSON.stringify(r)}`);
    }
  }
  await desk.scan('NOBODY-ZONE', { zone: ZONES[0][0] }); // a rejected scan in a labelled zone
  const now = Object.fromEntries(ZONES.map(([id, , , n]) => [id, n])); // inside, as scans go on
  t.diagnostic(`${ZONE_COUNT} zones, ${badge - 1} people inside; states ${JSON.stringify(ZONES.map(([, , c, n]) => expectedState(n, c)))}`);

  const { context, page } = await world.page({ viewport: { width: 1920, height: 1080 } });
  await page.goto(world.url(`/dashboard?event=${ZONES_EVENT}`, 'organizer', ZONES_EVENT));
  await page.waitForSelector('#link-status[data-status="live"]');
  await page.waitForFunction((n) => Number(document.querySelector('#fig-onsite')?.dataset.value) === n, badge - 1);
  const colours = {};
  for (const [id, label, capacity, inside] of ZONES) {
    const row = page.locator(`#zones tr[data-zone="${id}"]`);
    const cells = await row.locator('td').allTextContents();
    const state = expectedState(inside, capacity);
    assert.equal(await row.getAttribute('data-state'), state, id);
    assert.equal(cells[0], label || id, `${id}: its label, else its id`);
    assert.equal(cells[1], String(inside));
    assert.equal(cells[2], capacity === null ? '—' : String(capacity));
    assert.equal(cells[3], capacity === null ? '—' : new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 }).format(inside / capacity));
    assert.equal(cells[4], { none: '—', ok: 'OK', near: 'Nearly full', full: 'Full' }[state], `${id}: the state in words`);
    if (state !== 'none') colours[state] = await row.locator('td:nth-child(5)').evaluate((n) => getComputedStyle(n).color);
    // One alert line per zone at or over the threshold, none for the others.
    const alerts = page.locator(`#alerts [data-key="${id}"]`);
    if (state === 'near' || state === 'full') {
      assert.equal(await alerts.count(), 1, `${id}: one alert`);
      assert.equal(await alerts.getAttribute('data-alert'), `zone-${state}`);
      const text = await alerts.textContent();
      assert.ok(text.includes(label || id) && text.includes(`${inside} inside of ${capacity}`), text);
    } else {
      assert.equal(await alerts.count(), 0, `${id}: no alert`);
    }
  }
  assert.equal(new Set(Object.values(colours)).size, 3, `three colours for ok, near, full: ${JSON.stringify(colours)}`);
  // The rejected scan names its zone by its label.
  await page.waitForSelector('#rejected tbody tr[data-badge="NOBODY-ZONE"]');
  assert.equal(await page.textContent('#rejected tr[data-badge="NOBODY-ZONE"] td:last-child'), ZONES[0][1]);
  // Live: a zone just under the threshold reaches it with one more person; its alert appears.
  const [underId, underLabel] = ZONES.find(([, , c, n]) => c && expectedState(n, c) === 'ok' && expectedState(n + 1, c) !== 'ok');
  await desk.scan(`B-X-${badge++}`, { zone: underId });
  now[underId] += 1;
  await page.waitForSelector(`#alerts [data-key="${underId}"]`, { timeout: 10000 });
  assert.notEqual(await page.getAttribute(`#zones tr[data-zone="${underId}"]`, 'data-state'), 'ok');
  t.diagnostic(`${underLabel || underId}: alert after one more person`);
  // Sorting by state puts the full zones first, and stays through a live update.
  await page.locator('#zones button.sort[data-sort="state"]').click();
  const order = async () => page.locator('#zones tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.state));
  const rank = { full: 0, near: 1, ok: 2, none: 3 };
  const states = await order();
  assert.deepEqual(states, [...states].sort((a, b) => rank[a] - rank[b]));
  await desk.scan(`B-X-${badge++}`, { zone: ZONES.at(-1)[0] });
  now[ZONES.at(-1)[0]] += 1;
  await page.waitForFunction((n) => Number(document.querySelector('#fig-onsite')?.dataset.value) === n, badge - 1);
  const again = await order();
  assert.deepEqual(again, [...again].sort((a, b) => rank[a] - rank[b]));
  assert.equal(await page.getAttribute('#zones th[data-column="state"]', 'aria-sort'), 'descending');
  await world.screenshot(page, 'dashboard-zones.png', { fullPage: true });
  assert.deepEqual(page.errors, []);
  await context.close();
  // Six languages, three sizes: the state in the page's words, nothing cut or sticking out.
  const words = {};
  for (const viewport of [{ width: 1920, height: 1080 }, { width: 1280, height: 720 }, { width: 390, height: 844 }]) {
    for (const lang of ['en', 'fr', 'es', 'ru', 'zh', 'ar']) {
      const { context: c2, page: p2 } = await world.page({ viewport });
      await p2.goto(world.url(`/dashboard?event=${ZONES_EVENT}&lang=${lang}`, 'organizer', ZONES_EVENT));
      await p2.waitForFunction((n) => Number(document.querySelector('#fig-onsite')?.dataset.value) === n, badge - 1);
      await p2.waitForSelector('#rejected tbody tr[data-badge]');
      await sleep(100);
      assert.deepEqual(await zoneOverflow(p2), [], `${lang} ${viewport.width}×${viewport.height}`);
      words[lang] = await p2.locator('#zones tr[data-state="full"] td:nth-child(5)').first().textContent();
      assert.equal(await p2.locator('#alerts [data-alert^="zone-"]').count(), ZONES.filter(([id, , c]) => c && expectedState(now[id], c) !== 'ok').length);
      assert.deepEqual(p2.errors, []);
      if (viewport.width === 390 && (lang === 'ar' || lang === 'ru')) await world.screenshot(p2, `dashboard-zones-${lang}-390.png`, { fullPage: true });
      await c2.close();
    }
  }
  assert.equal(new Set(Object.values(words)).size, 6, `"full" in six languages: ${JSON.stringify(words)}`);
  desk.close();
});

test('every JSON export the dashboard offers is one JSON document served as application/json', async (t) => {
  const desk = await world.desk({ deskId: 'desk-json', zone: 'hall_b' });
  for (let i = 200; i < 205; ++i) await desk.scan(`B-X-${i}`, { zone: 'hall_b' });
  await desk.scan('NOBODY-JSON');
  desk.close();
  const { context, page } = await world.page();
  await page.goto(world.url(`/dashboard?event=${EVENT_ID}`, 'organizer'));
  await page.waitForSelector('#link-status[data-status="live"]');
  const links = await page.locator('#exports .export-btn[data-export$=".json"]').evaluateAll((a) => a.map((x) => x.getAttribute('href')));
  assert.equal(links.length, 5);
  // Fetched as the page fetches them (its token), parsed whole by the browser's strict parser.
  const results = await page.evaluate(async (urls) => {
    const token = localStorage.getItem('rollcall.token');
    const out = [];
    for (const url of urls) {
      const r = await fetch(url, { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
      const text = await r.text();
      let parsed = null;
      let error = '';
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        error = e.message;
      }
      out.push({ url, status: r.status, type: r.headers.get('content-type'), error, array: Array.isArray(parsed), rows: Array.isArray(parsed) ? parsed.length : -1, objects: Array.isArray(parsed) && parsed.every((x) => x && typeof x === 'object' && !Array.isArray(x)) });
    }
    return out;
  }, links);
  for (const r of results) {
    t.diagnostic(`${r.url}: ${r.rows} rows, ${r.type}`);
    assert.equal(r.status, 200, r.url);
    assert.equal(r.type, 'application/json', r.url);
    assert.equal(r.error, '', `${r.url}: ${r.error}`);
    assert.ok(r.array && r.objects && r.rows > 0, JSON.stringify(r));
  }
  // The summary's figures, read as JSON, agree with the live totals.
  const summary = await page.evaluate(async () => {
    const r = await fetch(document.querySelector('[data-export="summary.json"]').getAttribute('href'), { headers: { Authorization: `Bearer ${localStorage.getItem('rollcall.token')}` } });
    return r.json();
  });
  const onsite = summary.find((row) => row.figure === 'onsite' && row.day === '');
  assert.equal(onsite.value, (await world.totals()).onsite);
  // JSON Lines stays available by its own name, one object a line.
  const lines = await (await fetch(`${world.base}/v1/events/${EVENT_ID}/exports/summary.jsonl`, { headers: { Authorization: `Bearer ${world.tokens.organizer}` } })).text();
  const rows = lines.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(rows.length, summary.length);
  assert.deepEqual(page.errors, []);
  await context.close();
});

// A desk that decided offline sends its verdict with the scan; where the server disagrees the
// dashboard says so: one alert per kind (let in but refused first) and a column per desk. A
// replay of the same scan counts nothing twice.
test('offline verdicts the server overturned: an alert per kind and a count per desk', async () => {
  const desk = await world.desk({ deskId: 'desk-off', zone: 'hall_a' });
  const sent = [
    ['B-REV-1', 'offline_admitted', 'revoked', 'off-1'], // let in, refused: overturned
    ['NOBODY-9', 'offline_refused', 'unknown_badge', 'off-2'], // agreed
    ['B-X-40', 'offline_refused', 'accepted', 'off-3'], // turned away, valid: overturned
    ['B-X-41', 'offline_admitted', 'accepted', 'off-4'], // agreed
  ];
  for (const [badge, offlineVerdict, status, scanId] of sent) {
    for (let replay = 0; replay < 2; ++replay) {
      const r = await desk.scan(badge, { offlineVerdict, scanId });
      assert.equal(r.status, status, badge);
    }
  }
  const totals = await world.totals(EVENT_ID);
  assert.deepEqual(totals.offline_overturned, { admitted_refused: 1, refused_admitted: 1 });
  assert.equal(totals.desks['desk-off'].overturned, 2);

  const { context, page } = await world.page({ viewport: { width: 1280, height: 720 } });
  await page.goto(world.url(`/dashboard?event=${EVENT_ID}&lang=en`, 'organizer'));
  const admitted = page.locator('#alerts [data-alert="overturned-admitted"]');
  await admitted.waitFor({ timeout: 10000 });
  assert.equal(await admitted.textContent(), '1 admitted offline whose badge the server refused: check who was let in');
  assert.equal(await page.textContent('#alerts [data-alert="overturned-refused"]'), '1 turned away offline whose badge the server accepts');
  const alerts = await page.locator('#alerts li').evaluateAll((l) => l.map((x) => x.dataset.alert));
  assert.ok(alerts.indexOf('overturned-admitted') < alerts.indexOf('overturned-refused'));
  const head = await page.locator('#desks thead th').allTextContents();
  const column = head.findIndex((h) => /Offline verdicts overturned/.test(h));
  assert.ok(column > 0, head.join(' | '));
  const row = await page.locator('#desks tr[data-desk="desk-off"] td').allTextContents();
  assert.equal(row[column], '2');
  assert.deepEqual(page.errors, []);
  desk.close();
  await context.close();
});
