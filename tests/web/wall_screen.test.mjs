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
  // Small States the 110m atlas has no shape for: each still needs its circle.
  ['B-SG-1', 'SG', 'regulator', 'Tan Wei Ling', 'IMDA', ''],
  ['B-MT-1', 'MT', 'technical', 'Joe Borg', 'MCA', ''],
  ['B-TV-1', 'TV', 'minister', 'Simon Kofe', 'Ministry of Communications', ''],
  ['B-LI-1', 'LI', 'academia', 'Eva Frick', 'Universitaet Liechtenstein', ''],
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
const ONLINE = 2400;
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
  // Thousands of them, in this minute: four-digit figures on the cards, in the ranking and on
  // the chart's axis ("2,000", "2 000", "2.000"), where a cut label shows.
  const joins = Array.from({ length: ONLINE }, (_, i) => ({
    presence_id: `wall-join-${i}`, kind: 'join', participant_id: `remote-${i}`,
    country: countries[Math.floor(countries.length * (((i * 13) % ONLINE) / ONLINE) ** 3)], category: ['civil_society', 'academia', 'youth', 'technical'][i % 4],
    platform: 'zoom', session: 'plenary', time: new Date().toISOString(),
  }));
  for (let i = 0; i < joins.length; i += 800) {
    const reply = new Promise((ok) => ws.once('message', ok));
    ws.send(JSON.stringify({ batch: { bridge_id: 'wall-bridge', events: joins.slice(i, i + 800) } }));
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
  await page.waitForFunction((n) => document.querySelector('#fig-onsite')?.dataset.value === String(n), scanned.length, { timeout: 15000 });
  await page.waitForFunction(() => Number(document.querySelector('#fig-remote')?.dataset.value) > 0, null, { timeout: 15000 });
  // The chart is drawn with the font of the page's scale (a chart built before the viewport
  // settled rebuilds itself), then the resize-driven refits.
  await page.waitForFunction(() => {
    const box = document.querySelector('.chart-box');
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
    return box && Number(box.dataset.fontPx) === Math.round(1.75 * rem);
  }, null, { timeout: 15000 });
  await page.waitForFunction(() => !document.body.dataset.refitting, null, { timeout: 15000 });
  return { context, page };
}

// Every visible element with its own text: inside the viewport, inside its panel or card, not
// scrolled or cut (scrollWidth/scrollHeight beyond the box), and at least minFont px.
async function layoutProblems(page, { minFont = 0, scrolls = false } = {}) {
  return page.evaluate(({ minFont, scrolls }) => {
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
      if (r.left < -0.5 || r.right > vw + 0.5 || (!scrolls && (r.top < -0.5 || r.bottom > vh + 0.5))) problems.push(`outside the viewport: ${describe(node)} ${JSON.stringify(r)}`);
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
      if (r.right > vw + 0.5 || (!scrolls && r.bottom > vh + 0.5) || r.left < -0.5) problems.push(`panel outside the viewport: ${describe(panel)}`);
      if (panel.scrollWidth > panel.clientWidth + 1) problems.push(`panel overflows: ${describe(panel)}`);
    }
    if (document.documentElement.scrollWidth > vw + 1) problems.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${vw})`);
    return problems;
  }, { minFont, scrolls });
}

// The per-minute chart is a canvas: its axis labels are read from its pixels. No label touches
// the canvas's edges (a cut "0,000" or "14:0" does), the canvas stays inside its box, and the
// labels' ink is at least minInk px high (a digit's ink is about 0.72 of its font size: 19 px
// is a 26–28 px font, the hall's minimum; the 20 px font of old gave 14 px).
async function chartProblems(page, options) {
  // The canvas is redrawn after the page's last resize or rebuild, a frame or more later on a
  // loaded machine: a chart with problems is read again for up to 5 s before they count.
  const deadline = Date.now() + 5000;
  for (;;) {
    const problems = await chartProblemsNow(page, options);
    if (!problems.length || Date.now() > deadline) return problems;
    await sleep(250);
  }
}

async function chartProblemsNow(page, { minInk = 0 } = {}) {
  return page.evaluate((minInk) => {
    const problems = [];
    for (const box of document.querySelectorAll('.chart-box')) {
      if (box.closest('[hidden]')) continue;
      const canvas = box.querySelector('canvas');
      const over = box.querySelector('.u-over');
      if (!canvas || !over) {
        problems.push('no chart drawn');
        continue;
      }
      const cb = canvas.getBoundingClientRect();
      const bb = box.getBoundingClientRect();
      if (cb.left < bb.left - 0.5 || cb.right > bb.right + 0.5 || cb.top < bb.top - 0.5 || cb.bottom > bb.bottom + 0.5) problems.push(`the chart is bigger than its box (${JSON.stringify([cb.left, cb.right, cb.top, cb.bottom])} in ${JSON.stringify([bb.left, bb.right, bb.top, bb.bottom])})`);
      const w = canvas.width;
      const h = canvas.height;
      const ratio = w / cb.width;
      const data = canvas.getContext('2d').getImageData(0, 0, w, h).data;
      // Labels are drawn opaque; grid lines and ticks are faint (alpha 0.15 and 0.25).
      const ink = (x, y) => data[(y * w + x) * 4 + 3] > 100;
      const edges = { top: [], bottom: [], left: [], right: [] };
      for (let x = 0; x < w; ++x) {
        if (ink(x, 0)) edges.top.push(x);
        if (ink(x, h - 1)) edges.bottom.push(x);
      }
      for (let y = 0; y < h; ++y) {
        if (ink(0, y)) edges.left.push(y);
        if (ink(w - 1, y)) edges.right.push(y);
      }
      for (const [edge, at] of Object.entries(edges)) if (at.length) problems.push(`a label is cut at the chart's ${edge} edge (${at.length} px)`);
      const plotLeft = Math.floor(over.offsetLeft * ratio);
      const plotBottom = Math.ceil((over.offsetTop + over.offsetHeight) * ratio);
      // Tallest run of inked rows left of the plot (the y labels), of inked rows below it (the
      // time labels).
      const run = (rows, cols) => {
        let best = 0;
        let current = 0;
        for (const y of rows) {
          current = cols.some((x) => ink(x, y)) ? current + 1 : 0;
          best = Math.max(best, current);
        }
        return best / ratio;
      };
      const range = (a, b) => Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);
      const yInk = run(range(0, Math.min(h, plotBottom + 1)), range(0, Math.max(0, plotLeft - 2)));
      const xInk = run(range(plotBottom + 1, h), range(0, w));
      if (yInk === 0) problems.push('no y-axis labels');
      if (xInk === 0) problems.push('no time labels');
      if (minInk && yInk < minInk) problems.push(`y-axis labels are ${yInk} px high`);
      if (minInk && xInk < minInk) problems.push(`time labels are ${xInk} px high`);
    }
    return problems;
  }, minInk);
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
  assert.equal(totals.participants, scanned.length + ONLINE);
  assert.equal(totals.remote, ONLINE);
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
  // Every State with participants on site has its circle on the map, the small ones too
  // (Singapore, Malta, Tuvalu, Liechtenstein, the Holy See have no shape in the atlas).
  const circled = new Set(radii.map(([c]) => c));
  for (const c of ['SG', 'MT', 'TV', 'LI', 'VA']) assert.ok(states.includes(c), c);
  assert.deepEqual(states.filter((c) => !circled.has(c)), [], 'States without a circle');
  const map = await page.locator('.map-box').boundingBox();
  for (const c of ['SG', 'MT', 'TV', 'LI', 'VA']) {
    const b = await page.locator(`.map-circles circle[data-country="${c}"]`).boundingBox();
    assert.ok(b.width >= 10, `${c}'s circle is ${b.width} px wide`);
    assert.ok(b.x >= map.x - 1 && b.x + b.width <= map.x + map.width + 1 && b.y >= map.y - 1 && b.y + b.height <= map.y + map.height + 1, `${c}'s circle is off the map`);
  }
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

const PHONE = { width: 390, height: 844 };
for (const viewport of [{ width: 1920, height: 1080 }, { width: 1280, height: 720 }, PHONE]) {
  const phone = viewport === PHONE;
  test(`the wall fits, unclipped, in six languages at ${viewport.width}×${viewport.height}`, async (t) => {
    const all = [];
    for (const lang of LANGS) {
      const { context, page } = await openWall(lang, viewport);
      // Nothing under 28 px across a hall at 1920×1080 (the same design scaled at 1280×720);
      // a phone scrolls down, never sideways.
      const problems = await layoutProblems(page, { minFont: viewport.width === 1920 ? 28 : 0, scrolls: phone });
      problems.push(...(await chartProblems(page, { minInk: viewport.width === 1920 ? 19 : 0 })));
      const rows = await page.locator('#ranking .rank-row').count();
      t.diagnostic(`${lang}: ${rows} ranking rows, ${problems.length} problems`);
      assert.ok(rows >= 6, `${lang}: the ranking shows ${rows} rows`);
      // The chart keeps a usable height whatever its legend's language.
      const chart = await page.locator('.chart-box').boundingBox();
      assert.ok(chart.height >= viewport.height * 0.14, `${lang}: the chart is ${chart.height} px high`);
      // Ranking bars start and end at the same place whatever the number of digits (hundreds for
      // the largest delegation, a few for the smallest shown).
      const bars = await page.locator('#ranking .rank-row').evaluateAll((rows) =>
        rows.map((r) => ({ left: r.querySelector('.rank-bar').getBoundingClientRect().left, right: r.querySelector('.rank-bar').getBoundingClientRect().right, value: r.querySelector('.rank-value').textContent })),
      );
      assert.equal(new Set(bars.map((b) => Math.round(b.left))).size, 1, `${lang}: bars start at ${bars.map((b) => b.left)}`);
      assert.equal(new Set(bars.map((b) => Math.round(b.right))).size, 1, `${lang}: bar tracks end at ${bars.map((b) => b.right)}`);
      const digits = bars.map((b) => b.value.replace(/\D/g, '').length);
      assert.ok(Math.max(...digits) - Math.min(...digits) >= 1, `${lang}: the ranking's figures all have the same digit count (${bars.map((b) => b.value)})`);
      // On a phone the header is a strip, not a third of the screen.
      const header = await page.locator('.topbar').boundingBox();
      if (phone) assert.ok(header.height < viewport.height * 0.12, `${lang}: the header is ${header.height} px of ${viewport.height}`);
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
  // In every language and at every size: the message is the page's language, fills the
  // screen, and is neither cut nor small.
  const english = new Set(['This screen has no access token', 'Access token refused']);
  for (const viewport of [{ width: 1920, height: 1080 }, { width: 1280, height: 720 }, PHONE]) {
    for (const lang of LANGS) {
      for (const [hash, state] of [['', 'no_token'], ['#token=rc_not-a-real-token', 'refused']]) {
        const { context, page } = await world.page({ viewport });
        await page.goto(`${world.base}/wall?event=${EVENT}&lang=${lang}${hash}`);
        await page.waitForSelector(`#gate[data-state="${state}"]:not([hidden])`, { timeout: 10000 });
        const title = await page.textContent('#gate-title');
        if (lang !== 'en') assert.ok(!english.has(title), `${lang}: "${title}" is English`);
        assert.notEqual(await page.getAttribute('#link-status', 'data-status'), 'connecting', `${lang}: still "connecting"`);
        assert.equal(await page.locator('.figure-value').count(), 0);
        const box = await page.locator('#gate').boundingBox();
        assert.ok(box.height > viewport.height * 0.6, `${lang} ${viewport.width}: the message is ${box.height} px high`);
        const problems = await layoutProblems(page, { minFont: viewport.width === 1920 ? 28 : 0, scrolls: viewport === PHONE });
        assert.deepEqual(problems, [], `${lang} ${viewport.width} ${state}`);
        await context.close();
      }
    }
  }
});

test('the dashboard fits in six languages at 1920×1080, 1280×720 and on a phone: no sideways cut, a small header, its chart unclipped', async () => {
  for (const viewport of [{ width: 1920, height: 1080 }, { width: 1280, height: 720 }, PHONE]) {
    const phone = viewport === PHONE;
    for (const lang of LANGS) {
      const { context, page } = await world.page(phone ? { viewport, isMobile: true, hasTouch: true } : { viewport });
      await page.goto(world.url(`/dashboard?event=${EVENT}&lang=${lang}`, 'organizer', EVENT));
      await page.waitForSelector('#link-status[data-status="live"]');
      await page.waitForFunction((n) => document.querySelector('#fig-onsite')?.dataset.value === String(n), scanned.length);
      await page.waitForFunction(() => !document.body.dataset.refitting, null, { timeout: 15000 });
      const wide = await page.evaluate(() =>
        [...document.querySelectorAll('#main *, .topbar *')]
          .filter((n) => n.clientWidth > 0 && n.scrollWidth > n.clientWidth + 1 && getComputedStyle(n).overflowX !== 'auto')
          .map((n) => `${n.tagName}.${n.className} "${n.textContent.slice(0, 30)}"`),
      );
      assert.deepEqual(wide, [], `${lang} ${viewport.width}: cut sideways`);
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1), `${lang} ${viewport.width}: the dashboard scrolls sideways`);
      assert.deepEqual(await chartProblems(page), [], `${lang} ${viewport.width}: the chart`);
      const header = await page.locator('.topbar').boundingBox();
      if (phone) assert.ok(header.height < viewport.height * 0.15, `${lang}: the header is ${header.height} px of ${viewport.height}`);
      assert.deepEqual(page.errors, []);
      await context.close();
    }
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
