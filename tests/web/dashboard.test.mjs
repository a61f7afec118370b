// The organizer dashboard: login token, tables from the live totals, desk health, exports and
// rejected scans tolerated while their routes do not exist yet.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { EVENT_ID, World, sleep } from './world.mjs';

let world;
before(async () => {
  world = await World.start();
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
  await deskB.scan('B-REV-1');
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
  assert.equal(await page.textContent('#login-state'), 'Signed in');
  assert.equal(await page.evaluate(() => localStorage.getItem('rollcall.token')), world.tokens.organizer);
  await page.waitForSelector('#link-status[data-status="live"]');
  // The socket offered the token as a subprotocol and the gateway chose rollcall.v1.json.
  assert.deepEqual(await page.evaluate(() => window.__offered.at(-1)), ['rollcall.v1.json', `rollcall.token.${world.tokens.organizer}`]);

  await page.waitForFunction(() => document.querySelector('#fig-onsite').dataset.value === '41');
  const totals = await world.totals();
  // Categories
  const minister = await page.textContent('#categories tr[data-category="minister"]');
  assert.match(minister, /minister\s*2/);
  // Days
  const day = Object.keys(totals.days)[0];
  assert.match(await page.textContent(`#days tr[data-day="${day}"]`), new RegExp(`${day}\\s*41`));
  // Zones
  assert.match(await page.textContent('#zones tr[data-zone="hall_a"]'), new RegExp(`hall_a\\s*${totals.inside_by_zone.hall_a}`));
  assert.match(await page.textContent('#zones tr[data-zone="hall_b"]'), new RegExp(`hall_b\\s*${totals.inside_by_zone.hall_b}`));
  // Scans by result
  assert.match(await page.textContent('#statuses tr[data-status="unknown_badge"]'), /unknown_badge\s*1/);
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
  // Rejected scans: a 404 until that route exists is shown as a note, an array as a table.
  await page.waitForFunction(() => document.querySelector('#rejected-note').textContent || document.querySelector('#rejected tbody'));
  t.diagnostic(`rejected scans: ${(await page.textContent('#rejected-note')) || (await page.locator('#rejected tbody tr').count()) + ' rows'}`);
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
