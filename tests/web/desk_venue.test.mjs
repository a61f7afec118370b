// The kiosk's venue mode (/desk?venue=V): one desk at a shared entrance serving every event of a
// venue with one venue desk token. The card shows the verdict the gateway puts first and one
// line per event that knows the badge, so the volunteer sees for which event(s) the person is
// admitted. A venue desk has no registry of its own: offline (or without an answer in time) a
// scan waits in the queue and the card says so, never admit; the queue replays when the link
// is back and a scan whose answer was lost in a cut is counted once. No registration mode.
// Keyboard and wedge scanner only; six languages at 1280×800 and 800×1280 without overflow.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { World, sleep } from './world.mjs';

const VENUE = 'palexpo-desk';
const WSIS = 'wsis-d-2025';
const AIFG = 'aifg-d-2025';
const NAMES = { [WSIS]: 'WSIS+20 High-Level Event 2025', [AIFG]: 'AI for Good Global Summit 2025' };
const LANGS = ['ar', 'zh', 'en', 'fr', 'ru', 'es'];
const SIZES = [
  { width: 1280, height: 800 },
  { width: 800, height: 1280 },
];
const HEAD = ['badge_id', 'country', 'category', 'name', 'organization', 'revoked', 'person_id'];
// S-badges were printed for both events (the same badge id in both registries, one person);
// S-R is cancelled at WSIS only. W- and A- badges belong to one event.
const shared = Array.from({ length: 30 }, (_, i) => [`S-${i + 1}`, ['CH', 'FR', 'KE', 'BR', 'IN', 'JP'][i % 6], 'civil_society', `Delegate Both ${i + 1}`, 'Permanent Mission', '', `P-${i + 1}`]);
const WSIS_ROWS = [
  HEAD,
  ...shared,
  ['S-R', 'DE', 'minister', 'Greta Vogel', 'BMDV', 'true', 'P-R'],
  ...Array.from({ length: 30 }, (_, i) => [`W-${i + 1}`, 'CH', 'regulator', `WSIS Only ${i + 1}`, 'OFCOM', '', '']),
];
const AIFG_ROWS = [
  HEAD,
  ...shared,
  ['S-R', 'DE', 'minister', 'Greta Vogel', 'BMDV', '', 'P-R'],
  ...Array.from({ length: 30 }, (_, i) => [`A-${i + 1}`, 'US', 'academia', `AI Only ${i + 1}`, 'Stanford', '', '']),
];

let world;
const deskTokens = new Map();
before(async () => {
  const eventFile = (id) => ({ event_id: id, name: NAMES[id], time_zone: 'Europe/Zurich', days: [], zones: ['palexpo', 'side_events'], zone_labels: { palexpo: 'Palexpo Hall 1' } });
  world = await World.start({
    events: [
      { id: WSIS, registry: WSIS_ROWS, eventFile: eventFile(WSIS) },
      { id: AIFG, registry: AIFG_ROWS, eventFile: eventFile(AIFG) },
    ],
  });
  await world.createVenue(VENUE, 'Palexpo, Geneva', [WSIS, AIFG]);
});
after(async () => {
  await world?.stop();
});

async function venueDeskToken(desk) {
  if (!deskTokens.has(desk)) deskTokens.set(desk, await world.venueToken(VENUE, 'desk', ['--desk', desk]));
  return deskTokens.get(desk);
}

async function openDesk({ desk = 'door-1', lang = 'en', viewport = SIZES[0], route } = {}) {
  const { context, page } = await world.page({ viewport });
  if (route) await page.routeWebSocket(/\/v1\/desk/, route);
  const q = new URLSearchParams({ venue: VENUE, desk, zone: 'palexpo', lang });
  await page.goto(`${world.base}/desk?${q}#token=${await venueDeskToken(desk)}`);
  await page.waitForSelector('body[data-ready="1"]');
  await page.waitForSelector('#link-status[data-status="live"]', { timeout: 15000 });
  return { context, page };
}

async function card(page) {
  return page.evaluate(() => {
    const r = document.querySelector('#result');
    const text = (id) => document.getElementById(id).textContent;
    const list = document.querySelector('#result-events');
    return {
      scanId: r.dataset.scanId,
      status: r.dataset.status,
      tone: r.dataset.tone,
      verdict: r.dataset.verdict,
      verdictText: text('result-verdict'),
      title: text('result-title'),
      name: text('result-name'),
      reason: text('result-reason'),
      waiting: Number(document.querySelector('#waiting').dataset.count),
      lines: list.hidden ? [] : [...list.children].map((li) => ({ event: li.dataset.event, verdict: li.dataset.verdict, status: li.dataset.status, text: li.textContent })),
      history: document.querySelector('#history li')?.textContent || '',
    };
  });
}

// Types like a keyboard-wedge scanner, Enter last, and waits for a new card (`until`: a
// condition on it, e.g. the gateway's answer rather than "waiting").
async function scan(page, code, until = (c) => c.status !== 'queued') {
  const previous = await page.getAttribute('#result', 'data-scan-id');
  await page.keyboard.type(code, { delay: 2 });
  await page.keyboard.press('Enter');
  const deadline = Date.now() + 15000;
  for (;;) {
    const c = await card(page);
    if (c.scanId && c.scanId !== previous && until(c)) return c;
    if (Date.now() > deadline) throw new Error(`no card for ${code}: ${JSON.stringify(c)}`);
    await sleep(30);
  }
}

async function onsite(event) {
  return Number((await world.totals(event)).onsite || 0);
}

async function layoutProblems(page) {
  return page.evaluate(() => {
    const problems = [];
    const vw = document.documentElement.clientWidth;
    const vh = document.documentElement.clientHeight;
    const describe = (n) => `${n.tagName.toLowerCase()}${n.id ? '#' + n.id : ''}.${[...n.classList].join('.')} "${n.textContent.trim().slice(0, 40)}"`;
    for (const node of document.body.querySelectorAll('*')) {
      if (node.closest('[hidden]') || node.closest('dialog:not([open])')) continue;
      const style = getComputedStyle(node);
      if (style.display === 'none' || style.visibility === 'hidden') continue;
      const ownText = [...node.childNodes].some((c) => c.nodeType === Node.TEXT_NODE && c.textContent.trim());
      if (!ownText) continue;
      const r = node.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.left < -0.5 || r.right > vw + 0.5) problems.push(`outside the viewport: ${describe(node)} ${JSON.stringify([r.left, r.right])}`);
      if (style.display !== 'inline' && node.clientWidth > 0 && node.scrollWidth > node.clientWidth + 1) problems.push(`cut sideways (${node.scrollWidth} > ${node.clientWidth}): ${describe(node)}`);
    }
    // What the volunteer must see without scrolling: the verdict and the events' lines.
    for (const id of ['result-verdict', 'result-title', 'result-events']) {
      const node = document.getElementById(id);
      if (node.hidden || !node.textContent) continue;
      const r = node.getBoundingClientRect();
      if (r.bottom > vh + 0.5 || r.top < -0.5) problems.push(`#${id} is not on the screen (${Math.round(r.top)}–${Math.round(r.bottom)} of ${vh})`);
    }
    if (document.documentElement.scrollWidth > vw + 1) problems.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${vw})`);
    return problems;
  });
}

test('a badge of both events: both admitted; of one event: that line only; unknown: refused; no registration mode', async () => {
  const { context, page } = await openDesk({ desk: 'door-1' });
  assert.equal(await page.evaluate(() => document.activeElement.id), 'scan-input');
  const before = { [WSIS]: await onsite(WSIS), [AIFG]: await onsite(AIFG) };

  let c = await scan(page, 'S-1');
  assert.equal(c.status, 'accepted');
  assert.equal(c.verdict, 'admit');
  assert.equal(c.verdictText, 'ADMIT');
  assert.equal(c.name, 'Delegate Both 1');
  assert.deepEqual(c.lines.map((l) => [l.event, l.verdict, l.status]), [[WSIS, 'admit', 'accepted'], [AIFG, 'admit', 'accepted']]);
  assert.match(c.lines[0].text, /WSIS\+20 High-Level Event 2025.*ADMIT.*Welcome/);
  assert.match(c.lines[1].text, /AI for Good Global Summit 2025.*ADMIT.*Welcome/);
  assert.match(c.history, /Admitted to: .*WSIS\+20 High-Level Event 2025.* and .*AI for Good Global Summit 2025/);
  // The history's times are in the event's zone, the first scan's too (learnt with its answer).
  await page.waitForFunction(() => ![...document.querySelectorAll('#history li')].some((li) => li.textContent.startsWith('\u2068--')), null, { timeout: 15000 });
  await world.screenshot(page, 'desk-venue-both-en-1280x800.png');

  c = await scan(page, 'W-1');
  assert.equal(c.status, 'accepted');
  assert.deepEqual(c.lines.map((l) => [l.event, l.verdict]), [[WSIS, 'admit']], 'a WSIS badge: the WSIS line only');
  c = await scan(page, 'A-1');
  assert.deepEqual(c.lines.map((l) => [l.event, l.verdict]), [[AIFG, 'admit']], 'an AI for Good badge: its line only');

  c = await scan(page, 'NOBODY-1');
  assert.equal(c.status, 'unknown_badge');
  assert.equal(c.verdict, 'refuse');
  assert.equal(c.tone, 'bad');
  assert.equal(c.verdictText, 'DO NOT ADMIT');
  assert.deepEqual(c.lines, [], 'no event knows it: no event line');
  await world.screenshot(page, 'desk-venue-unknown-en-1280x800.png');

  // Cancelled at WSIS, valid at AI for Good: admitted, and the card says where (and where not).
  c = await scan(page, 'S-R');
  assert.equal(c.verdict, 'admit');
  assert.equal(c.status, 'accepted');
  assert.deepEqual(c.lines.map((l) => [l.event, l.verdict, l.status]), [[WSIS, 'refuse', 'revoked'], [AIFG, 'admit', 'accepted']]);
  assert.match(c.lines[0].text, /DO NOT ADMIT.*Badge revoked/);
  await world.screenshot(page, 'desk-venue-split-en-1280x800.png');

  // Scanned again: inside at both, still admitted at both.
  c = await scan(page, 'S-1');
  assert.equal(c.status, 'already_inside');
  assert.deepEqual(c.lines.map((l) => l.verdict), ['admit', 'admit']);

  // The events' own figures: S-1 counted at both, W-1 at WSIS, A-1 and S-R at AI for Good.
  assert.equal(await onsite(WSIS), before[WSIS] + 2);
  assert.equal(await onsite(AIFG), before[AIFG] + 3);

  // A scanner typing while a button has the focus: still a scan.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.notEqual(await page.evaluate(() => document.activeElement.id), 'scan-input');
  c = await scan(page, 'S-2');
  assert.equal(c.status, 'accepted');
  assert.equal(c.lines.length, 2);
  // F2 switches to exits from the keyboard: an exit at both events.
  await page.keyboard.press('F2');
  c = await scan(page, 'S-2');
  assert.equal(c.status, 'exit');
  assert.deepEqual(c.lines.map((l) => l.status), ['exit', 'exit']);
  await page.keyboard.press('F2');

  // No registration mode on a venue desk: no button, F3 does nothing.
  assert.equal(await page.evaluate(() => document.querySelector('#reg-btn').hidden), true);
  await page.keyboard.press('F3');
  await sleep(200);
  assert.notEqual(await page.evaluate(() => document.body.dataset.reg), 'open');
  assert.equal(await page.evaluate(() => document.querySelector('#reg-panel').hidden), true);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a token that is not a venue desk token: the desk says it is not working and scans nothing', async () => {
  const wrong = [
    ['a display token of the venue', await world.venueToken(VENUE, 'display')],
    ["an event's desk token", await world.deskToken('event-desk', WSIS)],
    ['a made-up token', 'made-up-token'],
  ];
  for (const [name, token] of wrong) {
    const { context, page } = await world.page({ viewport: SIZES[0] });
    await page.goto(`${world.base}/desk?venue=${VENUE}&desk=door-x&zone=palexpo#token=${token}`);
    await page.waitForSelector('#blocker:not([hidden])', { timeout: 15000 });
    assert.equal(await page.evaluate(() => document.body.dataset.blocked), 'refused', name);
    await page.keyboard.type('S-1', { delay: 2 });
    await page.keyboard.press('Enter');
    await sleep(300);
    assert.equal(await page.evaluate(() => document.querySelector('#result').dataset.verdict || ''), '', `${name}: no verdict`);
    await context.close();
  }
});

test('offline the card waits (never admits); the queue replays when the link is back, each scan counted once', async () => {
  const { context, page } = await openDesk({ desk: 'door-2' });
  const before = { [WSIS]: await onsite(WSIS), [AIFG]: await onsite(AIFG) };
  await context.setOffline(true);
  await page.waitForSelector('#link-status[data-status="offline"]', { timeout: 15000 });
  const offlineCards = [];
  for (const badge of ['S-3', 'W-2', 'NOBODY-2']) {
    const c = await scan(page, badge, () => true);
    offlineCards.push(c);
    assert.equal(c.status, 'queued', `${badge}: waiting`);
    assert.equal(c.verdict, 'wait');
    assert.equal(c.verdictText, 'WAIT');
    assert.equal(c.tone, 'queued');
    assert.deepEqual(c.lines, []);
  }
  assert.equal(offlineCards.at(-1).waiting, 3, 'three scans waiting');
  await world.screenshot(page, 'desk-venue-waiting-en-1280x800.png');
  // Nothing counted while offline.
  assert.equal(await onsite(WSIS), before[WSIS]);
  await context.setOffline(false);
  await page.waitForFunction(() => document.querySelector('#waiting').dataset.count === '0', null, { timeout: 10000 });
  const c = await card(page);
  assert.equal(c.status, 'unknown_badge', 'the last scan made gets its answer on the card');
  const history = await page.evaluate(() => [...document.querySelectorAll('#history li')].map((li) => li.dataset.status));
  assert.deepEqual(history.slice(0, 3), ['unknown_badge', 'accepted', 'accepted'], 'the queue replayed in order');
  assert.equal(await onsite(WSIS), before[WSIS] + 2, 'S-3 and W-2 at WSIS');
  assert.equal(await onsite(AIFG), before[AIFG] + 1, 'S-3 at AI for Good');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('an answer lost in a link cut: the kiosk resends the same scan, the events count it once', async () => {
  // The route passes every frame, except that it swallows the gateway's first answer and cuts
  // the link: the scan was counted, the kiosk never heard.
  let cut = false;
  let connections = 0;
  const sent = [];
  const route = (ws) => {
    connections += 1;
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      sent.push(JSON.parse(m).scan_id);
      server.send(m);
    });
    server.onMessage((m) => {
      if (!cut && JSON.parse(m).result) {
        cut = true;
        ws.close();
        server.close();
        return;
      }
      ws.send(m);
    });
  };
  const { context, page } = await openDesk({ desk: 'door-3', route });
  const before = { [WSIS]: await onsite(WSIS), [AIFG]: await onsite(AIFG) };
  const c = await scan(page, 'S-4', (x) => x.status !== 'queued');
  assert.ok(cut, 'the first answer was lost');
  assert.ok(connections >= 2, 'the kiosk connected again');
  assert.equal(sent.length, 2, 'the scan was sent twice');
  assert.equal(sent[0], sent[1], 'with the same scan_id');
  assert.equal(c.status, 'accepted', 'the stored outcome of the first attempt');
  assert.deepEqual(c.lines.map((l) => l.verdict), ['admit', 'admit']);
  assert.equal(await onsite(WSIS), before[WSIS] + 1, 'counted once at WSIS');
  assert.equal(await onsite(AIFG), before[AIFG] + 1, 'counted once at AI for Good');
  const t = await world.totals(WSIS);
  assert.equal(Number(t.scans_by_status.accepted), Number(t.onsite), 'no second accepted scan at WSIS: every accepted scan a first entry');
  assert.deepEqual(page.errors, []);
  await context.close();
});

for (const lang of LANGS) {
  test(`${lang}: the venue card, its event lines and the waiting card fit at 1280×800 and 800×1280`, async () => {
    const i = LANGS.indexOf(lang);
    for (const [k, viewport] of SIZES.entries()) {
      const { context, page } = await openDesk({ desk: `door-${lang}-${k}`, lang, viewport });
      assert.equal(await page.evaluate(() => document.documentElement.dir), lang === 'ar' ? 'rtl' : 'ltr');
      const badge = `S-${10 + i * 2 + k}`;
      let c = await scan(page, badge);
      assert.equal(c.status, 'accepted');
      assert.equal(c.lines.length, 2);
      assert.ok(c.lines.every((l) => l.verdict === 'admit'));
      assert.ok(c.lines[0].text.includes(NAMES[WSIS]) && c.lines[1].text.includes(NAMES[AIFG]));
      assert.deepEqual(await layoutProblems(page), [], `${lang} ${viewport.width}×${viewport.height}: admitted`);
      await world.screenshot(page, `desk-venue-${lang}-${viewport.width}x${viewport.height}.png`);
      c = await scan(page, 'S-R');
      assert.deepEqual(c.lines.map((l) => l.verdict), ['refuse', 'admit']);
      assert.deepEqual(await layoutProblems(page), [], `${lang} ${viewport.width}×${viewport.height}: split`);
      await context.setOffline(true);
      await page.waitForSelector('#link-status[data-status="offline"]', { timeout: 15000 });
      c = await scan(page, `W-${10 + i * 2 + k}`, () => true);
      assert.equal(c.status, 'queued');
      assert.notEqual(c.verdict, 'admit');
      assert.deepEqual(await layoutProblems(page), [], `${lang} ${viewport.width}×${viewport.height}: waiting`);
      await world.screenshot(page, `desk-venue-waiting-${lang}-${viewport.width}x${viewport.height}.png`);
      await context.setOffline(false);
      await page.waitForFunction(() => document.querySelector('#waiting').dataset.count === '0', null, { timeout: 10000 });
      assert.deepEqual(page.errors, []);
      await context.close();
    }
  });
}
