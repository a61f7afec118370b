// The wall the chair will quote, on a filled event: its name, headline categories as cards with
// the imported counts, countries counted as UN Member and observer States (territories and
// international organizations apart, the rule written on the wall), legible and unclipped in
// the six languages at 1920×1080 and 1280×720, one event-time clock with the zone named, and
// honest states for a missing or refused token. Makes the docs/ screenshots.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { REGISTRY, World, WebSocket, sleep } from './world.mjs';

const EVENT = 'wsis-wall-2025';
const NAME = 'WSIS+20 High-Level Event 2025';
const ZONE = 'Europe/Zurich';
const LANGS = ['ar', 'zh', 'en', 'fr', 'ru', 'es'];

// The shared registry plus what a UN event's registry really holds: territories (Hong Kong,
// Puerto Rico, Guam), the two observer States, and more people from international
// organizations (no country).
const EXTRA = [
  ['B-HK-1', 'HK', 'private_sector', 'Chan Tai Man', 'OFCA', ''],
  ['B-PR-1', 'PR', 'academia', 'Luis Rivera', 'UPR', ''],
  ['B-GU-1', 'GU', 'civil_society', 'Maria Cruz', 'Guam Net', ''],
  ['B-VA-1', 'VA', 'other', 'Paolo Rossi', 'Dicastery for Communication', ''],
  ['B-PS-1', 'PS', 'minister', 'Rami Haddad', 'Ministry of Telecom', ''],
  ['B-IO-1', '', 'un', 'Ada Ilo', 'UNESCO', ''],
  ['B-IO-2', '', 'un', 'Jon Berg', 'UNDP', ''],
  ['B-IO-3', '', 'regulator', 'Eva Lind', 'BEREC', ''],
];
const ROWS = [...REGISTRY, ...EXTRA];
const CATEGORIES = [
  { id: 'minister', label: 'Ministers and deputy ministers', headline: true },
  { id: 'regulator', label: 'Regulators', headline: true },
  { id: 'un', label: 'UN system', headline: true },
  { id: 'private_sector', label: 'Private sector and CEOs' },
  { id: 'civil_society', label: 'Civil society' },
  { id: 'youth', label: 'Youth' },
  { id: 'technical', label: 'Technical community' },
  { id: 'academia', label: 'Academia' },
  { id: 'media', label: 'Media' },
  { id: 'other', label: 'Other' },
];

let world;
let scanned; // registry rows checked in
let bridge;
before(async () => {
  world = await World.start({
    events: [{ id: EVENT, registry: ROWS, eventFile: { event_id: EVENT, name: NAME, time_zone: ZONE, zones: ['palexpo', 'side_events'], categories: CATEGORIES } }],
  });
  // Everyone but the revoked badge and a few no-shows checks in, spread over the last 45
  // minutes by device time (as desks replaying queues would send them): a filled wall.
  const desks = [await world.desk({ event: EVENT, deskId: 'palexpo-01', zone: 'palexpo' }), await world.desk({ event: EVENT, deskId: 'palexpo-02', zone: 'palexpo' })];
  const people = ROWS.slice(1).filter((r) => r[5] !== 'true');
  scanned = people.filter((_, i) => i % 17 !== 5); // a few no-shows
  const now = Date.now();
  for (const [i, row] of scanned.entries()) {
    const minutesAgo = 45 * (1 - Math.sqrt((i + 1) / scanned.length));
    const result = await desks[i % 2].scan(row[0], { zone: 'palexpo', deviceTime: new Date(now - minutesAgo * 60000) });
    assert.equal(result.status, 'accepted', `${row[0]}: ${JSON.stringify(result)}`);
  }
  // The revoked badge tried three times at one desk, an unknown one once.
  for (let i = 0; i < 3; ++i) await desks[1].scan('B-REV-1', { zone: 'palexpo' });
  await desks[0].scan('NOBODY-9', { zone: 'palexpo' });
  for (const d of desks) d.close();
  // Online participants, through a platform bridge.
  const ws = new WebSocket(`${world.base.replace('http', 'ws')}/v1/online?event=${EVENT}`, ['rollcall.v1.json'], {
    headers: { Authorization: `Bearer ${world.eventTokens[EVENT].platform}` },
  });
  await new Promise((ok, fail) => (ws.once('open', ok), ws.once('error', fail)));
  const countries = ['CH', 'US', 'IN', 'BR', 'NG', 'KE', 'FR', 'DE', 'CN', 'JP', 'ID', 'MX', 'CA', 'AR', 'ZA', 'EG', 'PK', 'PH', 'CO', 'GB', 'TN', 'NP', 'FJ', 'MN'];
  const joins = Array.from({ length: 90 }, (_, i) => ({
    presence_id: `wall-join-${i}`, kind: 'join', participant_id: `remote-${i}`,
    country: countries[Math.floor(countries.length * (((i * 13) % 90) / 90) ** 1.7)], category: ['civil_society', 'academia', 'youth', 'technical'][i % 4],
    platform: 'zoom', session: 'plenary', time: new Date().toISOString(),
  }));
  for (let i = 0; i < joins.length; i += 45) {
    const reply = new Promise((ok) => ws.once('message', ok));
    ws.send(JSON.stringify({ batch: { bridge_id: 'wall-bridge', events: joins.slice(i, i + 45) } }));
    await reply;
  }
  bridge = ws; // kept open: its participants stay online
});
after(async () => {
  bridge?.close();
  await world?.stop();
});

const wallUrl = (lang) => world.url(`/wall?event=${EVENT}&lang=${lang}`, 'display', EVENT);

async function openWall(lang, viewport = { width: 1920, height: 1080 }) {
  const { context, page } = await world.page({ viewport });
  await page.goto(wallUrl(lang));
  await page.waitForSelector('#link-status[data-status="live"]', { timeout: 10000 });
  await page.waitForFunction((n) => document.querySelector('#fig-onsite')?.dataset.value === String(n), scanned.length, { timeout: 5000 });
  await page.waitForFunction(() => Number(document.querySelector('#fig-remote')?.dataset.value) > 0, null, { timeout: 5000 });
  await sleep(300); // the resize-driven refits
  return { context, page };
}

// Every visible element with its own text: inside the viewport, inside its panel or card, not
// scrolled or cut (scrollWidth/scrollHeight beyond the box), and at least minFont px.
async function layoutProblems(page, { minFont = 0 } = {}) {
  return page.evaluate((minFont) => {
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
      if (r.left < -0.5 || r.top < -0.5 || r.right > vw + 0.5 || r.bottom > vh + 0.5) problems.push(`outside the viewport: ${describe(node)} ${JSON.stringify(r)}`);
      if (style.display !== 'inline' && node.clientWidth > 0) {
        if (node.scrollWidth > node.clientWidth + 1) problems.push(`cut horizontally (${node.scrollWidth} > ${node.clientWidth}): ${describe(node)}`);
        if (node.scrollHeight > node.clientHeight + 1 && style.overflowY !== 'visible') problems.push(`cut vertically (${node.scrollHeight} > ${node.clientHeight}): ${describe(node)}`);
      }
      // (An inline element's box is its font's content area, taller than its line: compared
      // sideways only; its block container's own checks cover the vertical.)
      const box = node.parentElement.closest('.panel, .figure, .topbar, .country-rule, .gate');
      if (box) {
        const b = box.getBoundingClientRect();
        const vertical = style.display !== 'inline' && (r.top < b.top - 0.5 || r.bottom > b.bottom + 0.5);
        if (r.left < b.left - 0.5 || r.right > b.right + 0.5 || vertical) problems.push(`outside its box: ${describe(node)}`);
      }
      if (minFont && parseFloat(style.fontSize) < minFont - 0.01) problems.push(`font ${style.fontSize}: ${describe(node)}`);
    }
    // Panels themselves stay on the screen and do not overflow.
    for (const panel of document.querySelectorAll('.panel, .figure, .country-rule')) {
      const r = panel.getBoundingClientRect();
      if (r.right > vw + 0.5 || r.bottom > vh + 0.5 || r.left < -0.5) problems.push(`panel outside the viewport: ${describe(panel)}`);
      if (panel.scrollWidth > panel.clientWidth + 1) problems.push(`panel overflows: ${describe(panel)}`);
    }
    return problems;
  }, minFont);
}

test('the wall shows the event by name, the headline categories with the imported counts, and unique participants', async () => {
  const { context, page } = await openWall('en');
  assert.equal(await page.textContent('#event-name'), NAME);
  const totals = await world.totals(EVENT);
  const count = (category) => scanned.filter((r) => r[2] === category).length;
  // Headline categories, first and in the event's order, from the registry that was imported.
  const cards = await page.locator('.headline-figures .figure-category[data-category]').evaluateAll((n) => n.map((x) => x.dataset.category));
  assert.deepEqual(cards, ['minister', 'regulator', 'un']);
  for (const category of ['minister', 'regulator', 'un']) {
    assert.ok(count(category) > 0);
    assert.equal(await page.getAttribute(`#fig-cat-${category}`, 'data-value'), String(count(category)), category);
    assert.equal(totals.onsite_by_category[category], count(category));
  }
  assert.equal(await page.textContent('.figure[data-category="minister"] .figure-label'), 'Ministers and deputy ministers');
  // On site, online and unique participants.
  assert.equal(await page.getAttribute('#fig-participants', 'data-value'), String(totals.participants));
  assert.equal(await page.getAttribute('#fig-remote', 'data-value'), String(totals.remote));
  assert.equal(totals.participants, scanned.length + 90);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('countries are UN Member and observer States; territories and international organizations are counted apart, and the rule is on the wall', async () => {
  const { context, page } = await openWall('en');
  const codes = new Set(scanned.map((r) => r[1]));
  const territories = ['HK', 'PR', 'GU'];
  for (const c of territories) assert.ok(codes.has(c), c);
  const international = scanned.filter((r) => r[1] === '').length;
  const states = [...codes].filter((c) => c && !territories.includes(c));
  assert.ok(states.includes('VA') && states.includes('PS'), 'observer States are counted');
  assert.equal(await page.getAttribute('#fig-countries', 'data-value'), String(states.length));
  const totals = await world.totals(EVENT);
  assert.ok(totals.countries_onsite > states.length, `the raw count (${totals.countries_onsite}) includes the territories`);
  const apart = page.locator('#country-apart');
  assert.equal(await apart.getAttribute('data-territories'), '3');
  assert.equal(await apart.getAttribute('data-international'), String(international));
  assert.equal(await apart.textContent(), `Counted apart: 3 territories, ${international} participants from international organizations.`);
  assert.match(await page.textContent('#country-rule'), /UN Member States and observer States \(Holy See, State of Palestine\)/);
  // Switzerland, the largest delegation, has the largest circle; every delegation a readable one.
  const radii = await page.locator('.map-circles circle').evaluateAll((n) => n.map((c) => [c.dataset.country, Number(c.getAttribute('r'))]));
  const ch = radii.find(([c]) => c === 'CH');
  assert.ok(ch, 'Switzerland has a circle');
  assert.equal(Math.max(...radii.map(([, r]) => r)), ch[1]);
  const box = await page.locator('.map-circles circle[data-country="CH"]').boundingBox();
  assert.ok(box.width >= 36, `Switzerland's circle is ${box.width} px wide`);
  for (const [, r] of radii) assert.ok(r >= 7, 'no circle smaller than the minimum');
  // The legend explains the on-site/online blend and the circles.
  assert.equal(await page.locator('.map-legend .swatch-gradient').isVisible(), true);
  assert.match(await page.textContent('.map-legend'), /On site.*Online.*Circle: participants/s);
  await context.close();
});

test('one clock: the wall shows event time, 24-hour, with the zone named', async () => {
  const { context, page } = await openWall('fr');
  const shown = await page.textContent('#clock-time');
  assert.match(shown, /^\d{2}:\d{2}$/);
  const expected = [0, 60000].map((skew) => new Intl.DateTimeFormat('fr', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(Date.now() - skew)));
  assert.ok(expected.includes(shown), `${shown} is not Geneva time (${expected})`);
  const zone = new Intl.DateTimeFormat('fr', { timeZone: ZONE, timeZoneName: 'longGeneric' }).formatToParts(new Date()).find((p) => p.type === 'timeZoneName').value;
  assert.equal(await page.textContent('#clock-zone'), zone);
  await context.close();
});

for (const viewport of [{ width: 1920, height: 1080 }, { width: 1280, height: 720 }]) {
  test(`the wall fits, unclipped, in six languages at ${viewport.width}×${viewport.height}`, async (t) => {
    const all = [];
    for (const lang of LANGS) {
      const { context, page } = await openWall(lang, viewport);
      // Nothing under 28 px across a hall at 1920×1080 (the same design scaled at 1280×720).
      const problems = await layoutProblems(page, { minFont: viewport.width === 1920 ? 28 : 0 });
      const rows = await page.locator('#ranking .rank-row').count();
      t.diagnostic(`${lang}: ${rows} ranking rows, ${problems.length} problems`);
      assert.ok(rows >= 6, `${lang}: the ranking shows ${rows} rows`);
      // The chart keeps a usable height whatever its legend's language.
      const chart = await page.locator('.chart-box').boundingBox();
      assert.ok(chart.height >= viewport.height * 0.14, `${lang}: the chart is ${chart.height} px high`);
      // Ranking bars start at the same place whatever the number of digits.
      const bars = await page.locator('#ranking .rank-bar').evaluateAll((n) => n.map((b) => Math.round(b.getBoundingClientRect().left)));
      assert.equal(new Set(bars).size, 1, `${lang}: bars start at ${bars}`);
      all.push(...problems.map((p) => `${lang}: ${p}`));
      assert.deepEqual(page.errors, []);
      await context.close();
    }
    assert.deepEqual(all, []);
  });
}

test('a wall without a token, or with a refused one, says so across the screen and shows no figures', async () => {
  for (const [hash, state, title] of [
    ['', 'no_token', 'This screen has no access token'],
    ['#token=rc_not-a-real-token', 'refused', 'Access token refused'],
    [`#token=${world.eventTokens[EVENT].desk}`, 'refused', 'Access token refused'], // a desk's token: wrong role
  ]) {
    const { context, page } = await world.page();
    await page.goto(`${world.base}/wall?event=${EVENT}&lang=en${hash}`);
    await page.waitForSelector(`#gate[data-state="${state}"]:not([hidden])`, { timeout: 10000 });
    assert.equal(await page.textContent('#gate-title'), title);
    assert.equal(await page.locator('#overview').isHidden(), true);
    assert.equal(await page.locator('.figure-value').count(), 0, 'no figure is drawn, not even a zero');
    const box = await page.locator('#gate').boundingBox();
    assert.ok(box.height > 700, `the message fills the screen (${box.height} px)`);
    assert.deepEqual(await layoutProblems(page, { minFont: 28 }), []);
    assert.equal(new URL(page.url()).hash, '');
    await context.close();
  }
});

test('screenshots of the wall and the dashboard (English, Arabic) for docs/', async () => {
  for (const lang of ['en', 'ar']) {
    const { context, page } = await openWall(lang);
    await sleep(900); // map transitions
    const file = await world.screenshot(page, `wall-${lang}.png`);
    await world.copyToDocs(file, lang === 'en' ? 'wall.png' : 'wall-ar.png');
    await context.close();
    const dash = await world.page({ viewport: { width: 1920, height: 1080 } });
    await dash.page.goto(world.url(`/dashboard?event=${EVENT}&lang=${lang}`, 'organizer', EVENT));
    await dash.page.waitForSelector('#link-status[data-status="live"]');
    await dash.page.waitForFunction((n) => document.querySelector('#fig-onsite')?.dataset.value === String(n), scanned.length);
    await dash.page.waitForSelector('#rejected tbody tr[data-badge]');
    await sleep(900);
    const shot = await world.screenshot(dash.page, `dashboard-${lang}.png`);
    await world.copyToDocs(shot, lang === 'en' ? 'dashboard.png' : 'dashboard-ar.png');
    assert.deepEqual(dash.page.errors, []);
    await dash.context.close();
  }
});
