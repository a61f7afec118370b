// The desk kiosk: every status shown with its colour and the attendee, and the offline queue:
// scans made offline wait in IndexedDB, survive a reload, and replay exactly once.
// tests/web/desk_offline.test.mjs: offline verdicts, the not-working state, keyboard, languages.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { EVENT_FILE, EVENT_ID, World, sleep, waitForVerdict } from './world.mjs';

let world;
before(async () => {
  world = await World.start({
    events: [
      { id: EVENT_ID, eventFile: EVENT_FILE },
      { id: 'closed-2020', eventFile: { event_id: 'closed-2020', name: 'Past event', time_zone: 'UTC', days: ['2020-01-01'] } },
      { id: 'signed-2025', eventFile: { event_id: 'signed-2025', name: 'Signed badges', time_zone: 'UTC', days: [], zones: [] } },
      // For the docs/ screenshots: a fresh event (every badge's first entry), zones with labels.
      { id: 'docs-2025', eventFile: { event_id: 'docs-2025', name: 'WSIS+20 High-Level Event', time_zone: 'Europe/Zurich', days: [], zones: ['hall_a', 'room_1'], zone_labels: { hall_a: 'Assembly Hall', room_1: 'Room 1' } } },
    ],
  });
});
after(async () => {
  await world?.stop();
});

async function openDesk({ event = EVENT_ID, desk = 'kiosk-1', zone = 'hall_a', lang } = {}) {
  const { context, page } = await world.page({ viewport: { width: 1280, height: 800 } });
  const q = new URLSearchParams({ event, desk, zone });
  if (lang) q.set('lang', lang);
  await page.goto(await world.deskUrl(`/desk?${q}`, desk, event));
  await page.waitForSelector('body[data-ready="1"]');
  await page.waitForSelector('#link-status[data-status="live"]', { timeout: 15000 });
  await page.waitForSelector('body[data-sync="ready"]', { timeout: 15000 });
  return { context, page };
}

// Types like a keyboard-wedge scanner (into whatever has the focus) and waits for the answer.
async function scan(page, code) {
  const previous = await page.getAttribute('#result', 'data-scan-id');
  await page.keyboard.type(code, { delay: 5 });
  await page.keyboard.press('Enter');
  await waitForVerdict(page, previous);
  return page.evaluate(() => {
    const r = document.querySelector('#result');
    const text = (id) => document.getElementById(id).textContent;
    return {
      status: r.dataset.status,
      tone: r.dataset.tone,
      background: getComputedStyle(r).backgroundColor,
      title: text('result-title'),
      name: text('result-name'),
      country: text('result-country'),
      category: text('result-category'),
      reason: text('result-reason'),
    };
  });
}

test('the kiosk shows each status with its colour, name, country and category', async (t) => {
  const { context, page } = await openDesk();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'scan-input');

  let r = await scan(page, 'B-CH-1');
  assert.equal(r.status, 'accepted');
  assert.equal(r.tone, 'good');
  assert.equal(r.title, 'Welcome');
  assert.equal(r.name, 'Anna Keller');
  assert.match(r.country, /🇨🇭 Switzerland/);
  assert.equal(r.category, 'Minister');
  assert.ok(r.reason.length > 0, 'a reason in words');
  await world.screenshot(page, 'desk-accepted.png');

  r = await scan(page, 'B-CH-1');
  assert.equal(r.status, 'already_inside');
  assert.equal(r.tone, 'warn');
  assert.equal(r.name, 'Anna Keller');

  await page.click('#dir-out');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'scan-input', 'focus returns to the input');
  r = await scan(page, 'B-CH-1');
  assert.equal(r.status, 'exit');
  assert.equal(r.tone, 'good');
  r = await scan(page, 'B-CH-1');
  assert.equal(r.status, 'not_inside');
  assert.equal(r.tone, 'warn');

  await page.click('#dir-in');
  r = await scan(page, 'B-CH-1');
  assert.equal(r.status, 'reentry');
  assert.equal(r.tone, 'good');

  r = await scan(page, 'NOBODY-404');
  assert.equal(r.status, 'unknown_badge');
  assert.equal(r.tone, 'bad');
  assert.equal(r.name, '');

  r = await scan(page, 'B-REV-1');
  assert.equal(r.status, 'revoked');
  assert.equal(r.tone, 'bad');

  r = await scan(page, 'not a badge!');
  assert.equal(r.status, 'malformed');
  assert.equal(r.tone, 'bad');
  await world.screenshot(page, 'desk-malformed.png');

  // The colours are the ones a volunteer sees: green, amber, red.
  const colours = {};
  for (const [code, dir] of [['B-FR-1', 'in'], ['B-FR-1', 'in'], ['NOBODY-2', 'in']]) {
    if (dir === 'in') await page.click('#dir-in');
    const res = await scan(page, code);
    colours[res.tone] = res.background;
  }
  assert.equal(colours.good, 'rgb(15, 81, 50)');
  assert.equal(colours.warn, 'rgb(107, 74, 6)');
  assert.equal(colours.bad, 'rgb(111, 29, 27)');

  // A good-looking accepted answer for the screenshot, in French.
  const fr = await openDesk({ desk: 'kiosk-fr', lang: 'fr' });
  r = await scan(fr.page, 'B-KE-1');
  assert.equal(r.status, 'accepted');
  assert.equal(r.title, 'Bienvenue');
  assert.match(r.country, /Kenya/);
  await fr.context.close();
  r = await scan(page, 'B-EG-1');
  assert.equal(r.status, 'accepted');
  assert.match(r.country, /🇪🇬 Egypt/);
  await world.screenshot(page, 'desk.png');
  assert.deepEqual(page.errors, []);
  await context.close();
  t.diagnostic('accepted, already_inside, exit, not_inside, reentry, unknown_badge, revoked, malformed shown');
});

test('zone and day rules: not_allowed and wrong_day are red', async () => {
  const a = await openDesk({ desk: 'kiosk-2', zone: 'backstage' });
  let r = await scan(a.page, 'B-BR-1');
  assert.equal(r.status, 'not_allowed');
  assert.equal(r.tone, 'bad');
  await a.context.close();
  const b = await openDesk({ event: 'closed-2020', desk: 'kiosk-3', zone: 'hall_a' });
  r = await scan(b.page, 'B-BR-1');
  assert.equal(r.status, 'wrong_day');
  assert.equal(r.tone, 'bad');
  await b.context.close();
});

test('offline: scans queue, survive a reload, and replay exactly once', async (t) => {
  const { context, page } = await openDesk({ desk: 'kiosk-offline', zone: 'hall_b' });
  await page.waitForSelector('body[data-offline-ready="1"]', { timeout: 10000 });
  // The page is controlled by the service worker once it has claimed it.
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 15000 });
  const before = await world.totals();
  const badges = ['B-JP-1', 'B-US-1', 'B-IN-1'];

  await context.setOffline(true);
  await page.waitForSelector('#link-status[data-status="offline"]', { timeout: 15000 });
  for (const [i, badge] of badges.entries()) {
    await page.keyboard.type(badge, { delay: 5 });
    await page.keyboard.press('Enter');
    await page.waitForSelector(`#waiting[data-count="${i + 1}"]`, { timeout: 15000 });
    // A verdict at once, the desk's own, while the scan waits for the gateway.
    assert.equal(await page.getAttribute('#result', 'data-status'), 'offline_admit');
  }
  assert.equal(await page.textContent('#waiting'), '3 scans waiting');
  await world.screenshot(page, 'desk-offline.png');

  // Reload while offline: the service worker serves the page, IndexedDB still has the scans.
  await page.reload();
  await page.waitForSelector('body[data-ready="1"]', { timeout: 10000 });
  await page.waitForSelector('#waiting[data-count="3"]', { timeout: 15000 });
  assert.equal(await page.textContent('#waiting'), '3 scans waiting');
  await sleep(500);
  assert.equal((await world.totals()).onsite, before.onsite, 'nothing reached the gateway while offline');

  const back = Date.now();
  await context.setOffline(false);
  await page.waitForSelector('#waiting[data-count="0"]', { state: 'attached', timeout: 15000 });
  t.diagnostic(`queue replayed ${Date.now() - back} ms after going back online`);
  assert.equal(await page.isHidden('#waiting'), true);
  await page.waitForSelector('#result[data-status="accepted"]');

  const after = await world.totals();
  assert.equal(after.onsite, before.onsite + badges.length, 'each queued scan counted once');
  assert.equal((after.scans_by_status.accepted || 0) - (before.scans_by_status.accepted || 0), badges.length);
  assert.equal(after.desks['kiosk-offline'].scans, badges.length, 'exactly three scans from this desk');
  // Nothing is replayed a second time after another reload.
  await page.reload();
  await page.waitForSelector('#link-status[data-status="live"]', { timeout: 10000 });
  await sleep(500);
  const again = await world.totals();
  assert.equal(again.desks['kiosk-offline'].scans, badges.length);
  assert.equal(again.onsite, after.onsite);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('gateway down: the kiosk queues, and replays when the gateway is back', async (t) => {
  const { context, page } = await openDesk({ desk: 'kiosk-restart', zone: 'room_1' });
  const before = await world.totals();
  await world.killGateway();
  await page.waitForSelector('#link-status[data-status="offline"]', { timeout: 15000 });
  for (const badge of ['B-X-1', 'B-X-2']) {
    await page.keyboard.type(badge, { delay: 5 });
    await page.keyboard.press('Enter');
  }
  await page.waitForSelector('#waiting[data-count="2"]', { timeout: 15000 });
  const restarted = Date.now();
  await world.startGateway();
  await page.waitForSelector('#waiting[data-count="0"]', { state: 'attached', timeout: 15000 });
  t.diagnostic(`replayed ${Date.now() - restarted} ms after the gateway restarted`);
  const after = await world.totals();
  assert.equal(after.onsite, before.onsite + 2);
  assert.equal(after.desks['kiosk-restart'].scans, 2);
  await context.close();
});

test('signed badges: the kiosk refuses forged and altered codes itself, even offline', async () => {
  const event = 'signed-2025';
  const secret = `${world.dir}/signed-2025.key`;
  await world.admin('badge-key', 'new', '--redis', world.redisUrl, '--event', event, '--secret-file', secret);
  const genuine = await world.admin('badge', 'sign', '--secret-file', secret, '--event', event, '--badge', 'B-BR-1');
  const other = await world.admin('badge', 'sign', '--secret-file', secret, '--event', event, '--badge', 'B-KE-1');
  const { context, page } = await openDesk({ event, desk: 'kiosk-signed', zone: 'hall_a' });
  // The kiosk keeps the event's public keys once it has been online.
  await page.waitForFunction((e) => localStorage.getItem('rollcall.badge_keys.' + e), event, { timeout: 15000 });
  let r = await scan(page, genuine);
  assert.equal(r.status, 'accepted');

  await context.setOffline(true);
  await page.waitForSelector('#link-status[data-status="offline"]', { timeout: 15000 });
  const altered = other.slice(0, 20) + (other[20] === 'A' ? 'B' : 'A') + other.slice(21);
  r = await scan(page, altered);
  assert.equal(r.status, 'invalid_signature', 'refused on the spot, not queued');
  assert.equal(r.tone, 'bad');
  r = await scan(page, 'B-KE-1');
  assert.equal(r.status, 'invalid_signature', 'a typed badge number cannot stand in for a signed code');
  assert.equal(await page.getAttribute('#waiting', 'data-count'), '0', 'nothing refused was queued');
  await context.setOffline(false);
  await context.close();
});

test('screenshots of the desk (English, Arabic) with a verdict shown, for docs/', async () => {
  for (const [lang, badge] of [['en', 'B-EG-1'], ['ar', 'B-KE-1']]) {
    const { context, page } = await openDesk({ event: 'docs-2025', desk: `docs-desk-${lang}`, zone: 'hall_a', lang });
    const shown = await scan(page, badge);
    assert.equal(shown.status, 'accepted', `${lang}: ${JSON.stringify(shown)}`);
    assert.equal(shown.tone, 'good');
    assert.ok(shown.name.length > 0, `${lang}: the name is shown`);
    assert.equal(await page.getAttribute('html', 'dir'), lang === 'ar' ? 'rtl' : 'ltr');
    // Nothing cut sideways in the picture the docs show.
    const cut = await page.evaluate(() =>
      [...document.querySelectorAll('body *')]
        .filter((n) => n.getClientRects().length && (n.getBoundingClientRect().right > innerWidth + 1 || n.getBoundingClientRect().left < -1))
        .map((n) => `${n.tagName}#${n.id}`)
        .concat(document.documentElement.scrollWidth > document.documentElement.clientWidth + 1 ? ['page'] : []),
    );
    assert.deepEqual(cut, [], `${lang}: outside the screen`);
    await sleep(400);
    const file = await world.screenshot(page, `desk-${lang}.png`);
    await world.copyToDocs(file, lang === 'en' ? 'desk.png' : 'desk-ar.png');
    assert.deepEqual(page.errors, []);
    await context.close();
  }
});
