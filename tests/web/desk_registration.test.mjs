// The desk's registration mode through the real gateway and Redis: a desk token with the
// `registration` scope finds people, checks them in by hand (idempotent across a cut), replaces
// and prints badges, registers walk-ins; a plain desk token sees none of it and never calls
// those routes. Keyboard and scanner only; six languages at three screen sizes; the dashboard's
// registration figures and the desks' manual column.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { EVENT_FILE, EVENT_ID, World, sleep, waitForVerdict } from './world.mjs';
import { registrationStrings, REG_LANGS } from '../../web/src/lib/registration_i18n.js';
import { SCANNER_GAP_MS } from '../../web/src/lib/scan_catcher.js';

const SIGNED = 'reg-signed-2025';
const HUMAN_MS = 90; // a person typing: slower than a scanner's burst
let world;
before(async () => {
  world = await World.start({
    events: [
      { id: EVENT_ID, eventFile: EVENT_FILE },
      { id: SIGNED, eventFile: { event_id: SIGNED, name: 'Signed badges, no key here', time_zone: 'UTC', days: [], zones: ['hall_a'] } },
    ],
  });
});
after(async () => {
  await world?.stop();
});

// A registration desk's own token (rollcall-admin token issue --role desk --scope registration).
const regTokens = new Map();
async function regToken(deskId, event = EVENT_ID) {
  const key = `${event}\n${deskId}`;
  if (!regTokens.has(key)) regTokens.set(key, await world.issueToken('desk', { event, extra: ['--desk', deskId, '--scope', 'registration'] }));
  return regTokens.get(key);
}

async function openDesk({ desk = 'reg-1', zone = 'hall_a', lang, viewport = { width: 1280, height: 800 }, event = EVENT_ID, registration = true, print } = {}) {
  const { context, page } = await world.page({ viewport });
  page.requests = [];
  page.on('request', (r) => page.requests.push(`${r.method()} ${new URL(r.url()).pathname}${new URL(r.url()).search}`));
  const q = new URLSearchParams({ event, desk, zone });
  if (lang) q.set('lang', lang);
  if (print) q.set('print', print);
  const token = registration ? await regToken(desk, event) : await world.deskToken(desk, event);
  await page.goto(`${world.base}/desk?${q}#token=${token}`);
  await page.waitForSelector('body[data-ready="1"]');
  await page.waitForSelector('#link-status[data-status="live"]', { timeout: 15000 });
  await page.waitForSelector('body[data-sync="ready"]', { timeout: 15000 });
  await page.waitForFunction(() => ['available', 'none'].includes(document.body.dataset.registration), null, { timeout: 15000 });
  return { context, page };
}

const focused = (page) => page.evaluate(() => document.activeElement && (document.activeElement.id || document.activeElement.tagName));

// F3, then a name typed at a person's speed; the matches once the gateway answered.
async function find(page, text) {
  if (!(await page.evaluate(() => document.body.dataset.reg === 'open'))) await page.keyboard.press('F3');
  // Back from a person, the focus is on their row: Escape there returns to the box.
  if (await page.evaluate(() => Boolean(document.activeElement.closest('#lookup-table')))) await page.keyboard.press('Escape');
  assert.equal(await focused(page), 'lookup-q', 'F3 puts the focus in the search box');
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text, { delay: HUMAN_MS });
  await page.waitForFunction(() => ['found', 'none'].includes(document.querySelector('#lookup-state').dataset.state), null, { timeout: 15000 });
  return page.evaluate(() => [...document.querySelectorAll('#lookup-table tbody tr')].map((r) => r.dataset.badge));
}

// Down into the matches to the row of `badge`, Enter: the person's actions.
async function choose(page, badge) {
  await page.keyboard.press('ArrowDown');
  for (let i = 0; i < 20; i++) {
    const here = await page.evaluate(() => document.activeElement.dataset.badge);
    if (here === badge) break;
    await page.keyboard.press('ArrowDown');
  }
  assert.equal(await page.evaluate(() => document.activeElement.dataset.badge), badge, 'the arrows reach the row');
  await page.keyboard.press('Enter');
  await page.waitForSelector(`#reg-person .reg-card[data-badge="${badge}"]`);
}

// The big card after a verdict (a scan's or a check-in by hand's).
function card(page) {
  return page.evaluate(() => {
    const r = document.querySelector('#result');
    const text = (id) => document.getElementById(id).textContent;
    return { status: r.dataset.status, verdict: r.dataset.verdict, tone: r.dataset.tone, manual: r.dataset.manual, replaced: r.dataset.replaced, scanId: r.dataset.scanId, title: text('result-title'), name: text('result-name'), reason: text('result-reason'), mark: document.getElementById('result-manual').hidden ? '' : text('result-manual'), verdictText: text('result-verdict') };
  });
}

// A scanner: a whole code and Enter, SCANNER_KEY_MS apart by the keys' own timestamps, into
// whatever has the focus. The keys go to Chromium's input (DevTools protocol) stamped as a
// scanner's would be by the machine it is plugged into: the page reads the gaps from the events'
// timestamps, and a loaded test machine that stalls the delivery (Playwright's keyboard.type
// sends a key per round trip, stamped on arrival) then changes nothing, as for a real scanner.
const SCANNER_KEY_MS = SCANNER_GAP_MS / 10;
async function scannerBurst(page, code) {
  const cdp = await page.context().newCDPSession(page);
  const t0 = Date.now() / 1000;
  const keys = [...code].map((ch) => ({ key: ch, text: ch }));
  keys.push({ key: 'Enter', code: 'Enter', text: '\r', windowsVirtualKeyCode: 13 });
  // Sent without waiting in between: the protocol keeps their order.
  const sent = keys.flatMap((k, i) => {
    const timestamp = t0 + (i * SCANNER_KEY_MS) / 1000;
    const { text, ...up } = k;
    return [cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', ...k, timestamp }),
      cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', ...up, timestamp: timestamp + 0.001 })];
  });
  await Promise.all(sent);
  await cdp.detach();
}

async function scannerTypes(page, code) {
  const previous = await page.getAttribute('#result', 'data-scan-id');
  await scannerBurst(page, code);
  await waitForVerdict(page, previous);
}

async function until(what, check, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await check();
    if (last) return last;
    await sleep(100);
  }
  assert.fail(`timed out waiting for ${what}`);
}

const REGISTRATION_ROUTES = /\/(checkins|badges|attendees)(\/|\?|$)|badge\.pdf/;

test('every error code and reason has words in the six languages, by code, translated', () => {
  const en = registrationStrings('en');
  const codes = ['offline', 'forbidden', 'no_signing_key', 'badge_exists', 'already_replaced', 'unknown_badge', 'revoked', 'invalid_field', 'malformed', 'busy', 'not_pdf', 'unexpected'];
  assert.deepEqual([...REG_LANGS].sort(), ['ar', 'en', 'es', 'fr', 'ru', 'zh']);
  const word = (w) => (typeof w === 'function' ? w({ badge: 'B-1', n: 500, old: 'B-0', name: 'N', kb: 3, why: '', field: 'F' }) : w);
  for (const lang of REG_LANGS) {
    const s = registrationStrings(lang);
    for (const code of codes) {
      const text = word(s.error[code]);
      assert.ok(text && text.length > 5, `${lang} ${code}`);
      if (lang !== 'en') assert.notEqual(text, word(en.error[code]), `${lang} ${code} is translated`);
    }
    for (const group of ['manual', 'replacement', 'field', 'invalid', 'sizes', 'replaced_why']) {
      assert.deepEqual(Object.keys(s[group]).sort(), Object.keys(en[group]).sort(), `${lang} ${group}`);
    }
    assert.deepEqual(Object.keys(s).sort(), Object.keys(en).sort(), `${lang}: the same keys as English`);
  }
});

test('a plain desk token: no registration mode, and none of its routes is ever called', async () => {
  const { context, page } = await openDesk({ desk: 'plain-1', registration: false });
  assert.equal(await page.evaluate(() => document.body.dataset.registration), 'none');
  assert.equal(await page.isVisible('#reg-btn'), false);
  await page.keyboard.press('F3');
  await page.keyboard.press('F8');
  assert.equal(await page.isVisible('#reg-panel'), false, 'F3 and F8 open nothing');
  assert.equal(await focused(page), 'scan-input');
  await scannerTypes(page, 'B-IN-1');
  assert.equal((await card(page)).status, 'accepted', 'scanning works as before');
  assert.ok(page.requests.some((r) => r.includes(`/v1/events/${EVENT_ID}/token`)), 'it asked what its token may do');
  const called = page.requests.filter((r) => REGISTRATION_ROUTES.test(r));
  assert.deepEqual(called, [], 'never a registration route');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('find by name, check in by hand: idempotent across a cut, shown like a scan and marked manual, counted', async (t) => {
  const before = await world.totals();
  const { context, page } = await openDesk({ desk: 'reg-1' });
  assert.equal(await page.isVisible('#reg-btn'), true, 'the registration button is visible');
  assert.match(await page.textContent('#reg-btn'), /Registration.*F3/);
  const badges = await find(page, 'Nora Frei');
  assert.ok(badges.includes('B-CH-3'), badges.join(' '));
  await choose(page, 'B-CH-3');
  assert.equal(await focused(page), 'reg-act-checkin', 'the first action has the focus');
  // Visible focus: the focused control has an outline.
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle), 'none');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#reg-checkin-form');
  assert.equal(await page.evaluate(() => document.activeElement.value), 'badge_forgotten');

  // The first answer is cut after the gateway counted it: the desk says "no connection" and
  // keeps the same checkin_id, so the retry is the same check-in, not a second one.
  const posted = [];
  let cut = true;
  await page.route('**/checkins', async (route) => {
    posted.push(route.request().postDataJSON());
    if (cut) {
      cut = false;
      await route.fetch();
      await route.abort('connectionreset');
    } else {
      await route.continue();
    }
  });
  await page.keyboard.press('Tab'); // note
  assert.equal(await focused(page), 'reg-note');
  await page.keyboard.press('Tab'); // submit
  assert.equal(await focused(page), 'reg-checkin-submit');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#reg-checkin-error[data-code="offline"]');
  assert.match(await page.textContent('#reg-checkin-error'), /No connection/);
  assert.match(await page.textContent('#reg-checkin-submit'), /same request/);
  await page.keyboard.press('Enter'); // the focus is on the retry
  await page.waitForFunction(() => document.body.dataset.reg !== 'open');
  const r = await card(page);
  assert.equal(posted.length, 2);
  assert.equal(posted[0].checkin_id, posted[1].checkin_id, 'the retry carries the same checkin_id');
  assert.equal(posted[0].reason, 'badge_forgotten');
  assert.equal(posted[0].badge_id, 'B-CH-3');
  // The retry is a replay: the original answer (accepted), checked at the end of this test.
  const replayedStatus = r.status;
  assert.equal(r.verdict, 'admit');
  assert.equal(r.name, 'Nora Frei');
  assert.equal(r.manual, 'badge_forgotten');
  assert.equal(r.mark, 'Checked in by hand: Badge forgotten');
  assert.equal(await focused(page), 'scan-input', 'back to scanning');
  assert.match(await page.textContent('#history li:first-child'), /by hand/);
  await page.unroute('**/checkins');
  await world.screenshot(page, 'desk-manual-checkin.png');

  // Counted once, as manual, for this desk.
  const after = await until('the manual check-in in the totals', async () => {
    const now = await world.totals();
    return (now.manual_checkins || {}).badge_forgotten === 1 ? now : null;
  });
  assert.equal(after.onsite, (before.onsite || 0) + 1, 'one more on site, not two');
  assert.equal(after.desks['reg-1'].manual, 1);

  // "Other" needs a note (said before anything is sent); with one it goes through.
  await find(page, 'Hugo');
  await choose(page, 'B-FR-2');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#reg-checkin-form');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.value), 'other');
  const sentBefore = page.requests.filter((q) => q.includes('/checkins')).length;
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#reg-checkin-error[data-code="note"]');
  assert.equal(await focused(page), 'reg-note', 'the focus goes to the note');
  assert.equal(page.requests.filter((q) => q.includes('/checkins')).length, sentBefore, 'nothing sent without a note');
  await page.keyboard.type('Badge in the cloakroom', { delay: HUMAN_MS }); // a person's speed: faster would be taken for a scanner
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.body.dataset.reg !== 'open');
  const other = await card(page);
  assert.equal(other.manual, 'other');
  assert.equal(other.status, 'accepted');
  await until('the "other" check-in counted', async () => ((await world.totals()).manual_checkins || {}).other === 1);

  // Escape backs out one step at a time, back to scanning.
  await find(page, 'Anna');
  await choose(page, 'B-CH-1');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#reg-checkin-form');
  await page.keyboard.press('Escape');
  assert.equal(await focused(page), 'reg-act-checkin', 'Escape closes the form');
  await page.keyboard.press('Escape');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.badge), 'B-CH-1', 'then back to the matches');
  for (let i = 0; i < 4 && (await page.evaluate(() => document.body.dataset.reg === 'open')); i++) await page.keyboard.press('Escape');
  assert.equal(await page.evaluate(() => document.body.dataset.reg), '');
  assert.equal(await focused(page), 'scan-input');
  assert.deepEqual(page.errors, []);
  await context.close();
  t.diagnostic(`checkin_id ${posted[0].checkin_id} sent twice, counted once`);
  assert.equal(replayedStatus, 'accepted', 'the retry with the same checkin_id answers the original verdict (a replay), not a second scan\'s');
});

test('walk-in: a refused field says so at the field and creates nothing; then registered, findable, and a scan mid-form is not lost', async (t) => {
  const { context, page } = await openDesk({ desk: 'reg-2' });
  const before = await world.totals();
  await page.keyboard.press('F8');
  await page.waitForSelector('#reg-walkin-form');
  assert.equal(await focused(page), 'reg-f-name');
  await page.keyboard.type('Amina Diallo', { delay: HUMAN_MS });

  // A badge scanned while the form is open: out of the name field, scanned as any badge.
  await scannerTypes(page, 'B-CH-2');
  assert.equal(await page.inputValue('#reg-f-name'), 'Amina Diallo', 'the scan is not typed into the form');
  assert.equal(await focused(page), 'reg-f-name', 'the focus stays where it was');
  const strip = await page.evaluate(() => ({ status: document.querySelector('#reg-scan').dataset.status, text: document.querySelector('#reg-scan').textContent, hidden: document.querySelector('#reg-scan').hidden }));
  assert.equal(strip.hidden, false);
  assert.equal(strip.status, 'accepted');
  assert.match(strip.text, /ADMIT.*Luca Meier/);
  assert.equal((await card(page)).name, 'Luca Meier');

  await page.keyboard.press('Tab');
  await page.keyboard.type('Ministère du Numérique', { delay: HUMAN_MS });
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'reg-f-country');
  await page.keyboard.type('Atlantis', { delay: HUMAN_MS });
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'reg-f-category');
  await page.keyboard.press('ArrowDown'); // the first category
  const category = await page.inputValue('#reg-f-category');
  assert.ok(category, 'a category chosen by keyboard');
  // Tab on to Register.
  for (let i = 0; i < 4 && (await focused(page)) !== 'reg-walkin-submit'; i++) await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'reg-walkin-submit');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#reg-e-country[data-code="invalid_field"]');
  assert.equal(await focused(page), 'reg-f-country', 'the focus moves to the refused field');
  assert.equal(await page.getAttribute('#reg-f-country', 'aria-invalid'), 'true');
  assert.match(await page.textContent('#reg-e-country'), /Choose a country from the list/);
  assert.equal(await page.inputValue('#reg-f-name'), 'Amina Diallo', 'nothing typed is lost');
  await world.screenshot(page, 'desk-walk-in-error.png');
  assert.equal(Number((await world.totals()).walk_ins || 0), Number(before.walk_ins || 0), 'nothing created');

  await page.keyboard.press('Control+A');
  await page.keyboard.type('KE', { delay: HUMAN_MS });
  for (let i = 0; i < 5 && (await focused(page)) !== 'reg-walkin-submit'; i++) await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#reg-issued-badge');
  const issued = await page.evaluate(() => ({ badge: document.querySelector('#reg-issued-badge').dataset.badge, title: document.querySelector('#reg-issued-title').textContent, name: document.querySelector('#reg-issued .reg-name').textContent }));
  assert.ok(issued.badge, 'a new badge id');
  assert.equal(issued.name, 'Amina Diallo');
  assert.equal(await focused(page), 'reg-print-go', 'print is offered at once');
  await until('the walk-in counted', async () => Number((await world.totals()).walk_ins || 0) === Number(before.walk_ins || 0) + 1);

  // Findable at once, by name, in the desk's own search.
  await page.keyboard.press('Escape');
  const found = await find(page, 'Amina Diallo');
  assert.ok(found.includes(issued.badge), `${issued.badge} in ${found.join(' ')}`);
  // And scanning the new badge admits.
  await page.keyboard.press('Escape');
  for (let i = 0; i < 4 && (await page.evaluate(() => document.body.dataset.reg === 'open')); i++) await page.keyboard.press('Escape');
  await scannerTypes(page, issued.badge);
  assert.equal((await card(page)).verdict, 'admit');
  assert.deepEqual(page.errors, []);
  await context.close();
});

// The replacement made by the next test, for the printing test after it.
let replaced = null;

test('replace a lost badge: a confirmation, the old code scans as replaced, the new one admits the same person', async () => {
  const { context, page } = await openDesk({ desk: 'reg-3' });
  await scannerTypes(page, 'B-BR-1');
  assert.equal((await card(page)).status, 'accepted');
  const onsite = (await world.totals()).onsite;

  await find(page, 'Pedro Souza');
  await choose(page, 'B-BR-1');
  await page.keyboard.press('Tab'); // Replace
  assert.equal(await focused(page), 'reg-act-replace');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#reg-replace-form');
  assert.equal(await page.evaluate(() => document.activeElement.value), 'lost');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'reg-replace-next');
  await page.keyboard.press('Enter');
  // A confirmation step, with the focus on it.
  await page.waitForSelector('#reg-replace-confirm:not([hidden])');
  assert.equal(await focused(page), 'reg-replace-yes');
  assert.match(await page.textContent('#reg-replace-question'), /B-BR-1.*Pedro Souza.*stop working/);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#reg-issued-badge');
  const issued = await page.evaluate(() => ({ badge: document.querySelector('#reg-issued-badge').dataset.badge, code: document.querySelector('#reg-issued-badge').dataset.code, old: document.querySelector('#reg-issued-old').dataset.badge }));
  assert.ok(issued.badge && issued.badge !== 'B-BR-1', JSON.stringify(issued));
  assert.equal(issued.old, 'B-BR-1');
  assert.equal(await focused(page), 'reg-print-go', 'printing is offered at once');
  await until('the replacement counted', async () => Number((await world.totals()).badges_replaced || 0) >= 1);
  replaced = issued;
  await world.screenshot(page, 'desk-replaced.png');

  // Back to scanning: the old code is refused in words, the new one admits the same person.
  for (let i = 0; i < 5 && (await page.evaluate(() => document.body.dataset.reg === 'open')); i++) await page.keyboard.press('Escape');
  assert.equal(await focused(page), 'scan-input');
  await scannerTypes(page, 'B-BR-1');
  let r = await card(page);
  assert.equal(r.status, 'revoked');
  assert.equal(r.verdict, 'refuse');
  assert.equal(r.replaced, '1');
  assert.match(r.reason, /This badge was replaced.*Do not admit: ask for the new badge/);
  await world.screenshot(page, 'desk-replaced-old-code.png');
  await scannerTypes(page, issued.code || issued.badge);
  r = await card(page);
  assert.equal(r.verdict, 'admit', `${r.status}: the new badge admits`);
  assert.equal(r.name, 'Pedro Souza');
  assert.equal(r.status, 'already_inside', 'the same person, still inside: attendance goes on');
  assert.equal((await world.totals()).onsite, onsite, 'no second participant');

  // The old badge again: a second replacement is refused, in words, by code.
  await find(page, 'Pedro Souza');
  await choose(page, 'B-BR-1');
  assert.equal(await page.getAttribute('#reg-person .reg-state', 'data-state'), 'revoked');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#reg-replace-confirm:not([hidden])');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#reg-replace-error[data-code="already_replaced"]');
  const refused = await page.textContent('#reg-replace-error');
  assert.match(refused, new RegExp(`replaced already, by badge \u2068${issued.badge}\u2069`), refused);
  await page.keyboard.press('Escape'); // closes the form; the person's actions stay
  assert.equal(await focused(page), 'reg-act-replace');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('print: A6 and CR80 PDFs of the new badge offered as a file (print=file), saved by keyboard; the old badge is refused as revoked', async (t) => {
  assert.ok(replaced, 'the replacement test ran first');
  // print=file: headless Chromium has no print dialog (print() in a PDF frame kills its renderer),
  // so the desk offers the file, as a desk whose printer rollcall-print feeds does.
  const { context, page } = await openDesk({ desk: 'reg-4', print: 'file' });
  await find(page, replaced.badge);
  await choose(page, replaced.badge);
  await page.focus('#reg-act-print');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#reg-print-form');
  assert.equal(await page.evaluate(() => document.activeElement.value), 'a6');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'reg-print-go');
  const pdfs = {};
  for (const size of ['a6', 'cr80']) {
    if (size === 'cr80') {
      await page.focus('#reg-size-a6');
      await page.keyboard.press('ArrowDown');
      assert.equal(await page.evaluate(() => document.activeElement.value), 'cr80');
      await page.keyboard.press('Tab');
      assert.equal(await focused(page), 'reg-print-go');
    }
    await page.keyboard.press('Enter');
    await page.waitForSelector(`#reg-print-status[data-size="${size}"][data-bytes]`, { timeout: 15000 });
    const got = await page.evaluate(async () => {
      const link = document.querySelector('#reg-print-file');
      const bytes = new Uint8Array(await (await fetch(link.href)).arrayBuffer());
      return { head: String.fromCharCode(...bytes.slice(0, 5)), size: bytes.length, name: link.download, visible: !link.hidden, frame: Boolean(document.querySelector('#reg-print-frame')) };
    });
    assert.equal(got.head, '%PDF-', `${size}: a PDF`);
    assert.ok(got.size > 2000, `${size}: ${got.size} bytes`);
    assert.equal(got.name, `${replaced.badge}-${size}.pdf`);
    assert.ok(got.visible, 'the file is offered too');
    assert.equal(got.frame, false, 'print=file: not printed from a frame');
    pdfs[size] = got.size;
  }
  assert.ok(page.requests.some((r) => r.includes(`/badges/${replaced.badge}/badge.pdf?size=cr80`)));
  // The file as a volunteer saves it: Enter on the link downloads the PDF.
  assert.equal(await focused(page), 'reg-print-file');
  const [download] = await Promise.all([page.waitForEvent('download', (d) => d.suggestedFilename() === `${replaced.badge}-cr80.pdf`), page.keyboard.press('Enter')]);
  const saved = await readFile(await download.path());
  assert.equal(saved.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.ok(saved.length > 2000);
  await world.screenshot(page, 'desk-print.png');

  // The old, replaced badge cannot be printed: said in words, by code.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await find(page, 'B-BR-1');
  await choose(page, 'B-BR-1');
  await page.focus('#reg-act-print');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#reg-print-form');
  await page.focus('#reg-print-go');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#reg-print-status[data-code="revoked"]');
  assert.match(await page.textContent('#reg-print-status'), /revoked: it cannot be printed/);
  assert.deepEqual(page.errors, []);
  await context.close();
  t.diagnostic(`new badge ${replaced.badge}; PDFs ${JSON.stringify(pdfs)} bytes`);
});

// An event that signs its badges, and this gateway started without its key.
async function signedEventWithoutKey() {
  if (signedReady) return;
  const secret = `${world.dir}/reg-signed.key`;
  await world.admin('badge-key', 'new', '--redis', world.redisUrl, '--event', SIGNED, '--secret-file', secret);
  // The gateway caches an event's keys for a few seconds: go on once it knows the event signs.
  for (let i = 0; ; i++) {
    const r = await fetch(`${world.base}/v1/events/${SIGNED}/badge-keys`, { headers: { Authorization: `Bearer ${world.eventTokens[SIGNED].desk}` } });
    if (r.ok && (await r.json()).keys?.length > 0) break;
    assert.ok(i < 100, 'the gateway never learned the new badge key');
    await sleep(100);
  }
  signedReady = true;
}
let signedReady = false;

test('a signed event and a gateway without its key: a walk-in is refused as no_signing_key, in French, nothing created', async () => {
  await signedEventWithoutKey();
  const { context, page } = await openDesk({ desk: 'reg-signed', event: SIGNED, lang: 'fr' });
  await page.keyboard.press('F8');
  await page.waitForSelector('#reg-walkin-form');
  await page.keyboard.type('Jeanne Morel', { delay: HUMAN_MS });
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.type('FR', { delay: HUMAN_MS });
  await page.keyboard.press('Tab');
  await page.keyboard.press('ArrowDown');
  for (let i = 0; i < 4 && (await focused(page)) !== 'reg-walkin-submit'; i++) await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#reg-walkin-error[data-code="no_signing_key"]');
  assert.match(await page.textContent('#reg-walkin-error'), /clé de signature/);
  assert.equal(Number((await world.totals(SIGNED)).walk_ins || 0), 0, 'nothing created');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a signed event and a gateway without its key: printing is refused as no_signing_key, in French', async () => {
  await signedEventWithoutKey();
  const { context, page } = await openDesk({ desk: 'reg-signed-2', event: SIGNED, lang: 'fr' });
  await find(page, 'Anna Keller');
  await choose(page, 'B-CH-1');
  await page.focus('#reg-act-print');
  await page.keyboard.press('Enter');
  await page.focus('#reg-print-go');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#reg-print-status[data-code="no_signing_key"]');
  assert.match(await page.textContent('#reg-print-status'), /clé de signature/);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('the dashboard: manual check-ins by reason, walk-ins, badges replaced, and a sortable manual column per desk', async () => {
  const totals = await world.totals();
  const { context, page } = await world.page({ viewport: { width: 1920, height: 1080 } });
  await page.goto(world.url(`/dashboard?event=${EVENT_ID}`, 'organizer'));
  await page.waitForSelector('#registration tbody tr[data-figure="walk_ins"]');
  const figure = (key) => page.evaluate((k) => document.querySelector(`#registration tr[data-figure="${k}"] td:last-child`).textContent, key);
  const manual = totals.manual_checkins || {};
  const total = Object.values(manual).reduce((a, b) => a + b, 0);
  await page.waitForFunction((n) => document.querySelector('#registration tr[data-figure="manual_checkins"] td:last-child').textContent === String(n), total, { timeout: 15000 });
  assert.ok(total >= 2, `manual check-ins: ${JSON.stringify(manual)}`);
  assert.equal(await figure('manual_badge_forgotten'), String(manual.badge_forgotten || 0));
  assert.equal(await figure('manual_other'), String(manual.other || 0));
  assert.equal(await figure('walk_ins'), String(totals.walk_ins || 0));
  assert.equal(await figure('badges_replaced'), String(totals.badges_replaced || 0));
  assert.ok(Number(totals.walk_ins) >= 1 && Number(totals.badges_replaced) >= 1);
  // The desks' manual column, sorted by keyboard (Tab to its head's button, Enter).
  await page.focus('#desks th[data-column="manual"] button');
  await page.keyboard.press('Enter');
  const column = await page.evaluate(() => [...document.querySelectorAll('#desks thead th')].findIndex((th) => th.dataset.column === 'manual') + 1);
  const sorted = async () => page.evaluate((c) => [...document.querySelectorAll('#desks tbody tr')].map((r) => [r.dataset.desk, Number(r.querySelector(`td:nth-child(${c})`).textContent)]), column);
  const monotonic = (values, dir) => values.every((v, i) => i === 0 || (dir > 0 ? values[i - 1] <= v : values[i - 1] >= v));
  let rows = await sorted();
  assert.ok(rows.length >= 3, JSON.stringify(rows));
  assert.equal(Object.fromEntries(rows)['reg-1'], 2, 'reg-1 checked two people in by hand');
  const first = await page.getAttribute('#desks th[data-column="manual"]', 'aria-sort');
  assert.ok(first === 'ascending' || first === 'descending', first);
  assert.ok(monotonic(rows.map(([, v]) => v), first === 'ascending' ? 1 : -1), `${first}: ${JSON.stringify(rows)}`);
  await page.keyboard.press('Enter');
  const second = await page.getAttribute('#desks th[data-column="manual"]', 'aria-sort');
  assert.notEqual(second, first, 'Enter again reverses');
  rows = await sorted();
  assert.ok(monotonic(rows.map(([, v]) => v), second === 'ascending' ? 1 : -1), `${second}: ${JSON.stringify(rows)}`);
  // In Arabic: the words translated, mirrored.
  await page.goto(world.url(`/dashboard?event=${EVENT_ID}&lang=ar`, 'organizer'));
  await page.waitForSelector('#registration tbody tr[data-figure="walk_ins"]');
  assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
  assert.equal(await page.textContent('#h-registration'), 'مكتب التسجيل');
  assert.equal(await page.textContent('#desks th[data-column="manual"]'), 'يدوياً');
  assert.deepEqual(page.errors, []);
  await context.close();
});

// Every element with text fits its box and the viewport (as in desk_offline.test.mjs).
async function overflowProblems(page) {
  return page.evaluate(() => {
    const problems = [];
    const vw = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > vw + 1) problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${vw}`);
    for (const el of document.querySelectorAll('body *')) {
      if (!el.textContent.trim() || el.closest('[hidden]') || el.closest('dialog:not([open])')) continue;
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden') continue;
      const box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      const label = `${el.tagName.toLowerCase()}#${el.id || el.className}`;
      if (el.scrollWidth > el.clientWidth + 1 && style.overflowX !== 'visible') problems.push(`${label} clips: ${el.scrollWidth} > ${el.clientWidth}`);
      if (box.left < -1 || box.right > vw + 1) problems.push(`${label} leaves the screen: ${Math.round(box.left)}..${Math.round(box.right)} of ${vw}`);
    }
    return problems;
  });
}

test('six languages at 1920×1080, 1280×720 and a tablet (820×1180), keyboard only: every registration screen fits', async (t) => {
  const expected = {
    en: { mode: 'Registration', country: 'Choose a country' },
    fr: { mode: 'Inscription', country: 'Choisissez un pays' },
    es: { mode: 'Inscripción', country: 'Elija un país' },
    ru: { mode: 'Регистрация', country: 'Выберите страну' },
    zh: { mode: '注册', country: '请从列表中选择国家' },
    ar: { mode: 'التسجيل', country: 'اختر بلداً' },
  };
  let n = 0;
  for (const viewport of [{ width: 1920, height: 1080 }, { width: 1280, height: 720 }, { width: 820, height: 1180 }]) {
    for (const lang of Object.keys(expected)) {
      const { context, page } = await openDesk({ desk: `reg-${lang}-${viewport.width}`, lang, viewport });
      const where = `${lang} ${viewport.width}×${viewport.height}`;
      assert.equal(await page.getAttribute('html', 'dir'), lang === 'ar' ? 'rtl' : 'ltr');
      assert.ok((await page.textContent('#reg-btn')).startsWith(expected[lang].mode), where);
      const check = async (step) => {
        const problems = await overflowProblems(page);
        assert.deepEqual(problems, [], `${where} ${step}: ${problems.join('; ')}`);
      };
      // The matches, the person and the check-in form.
      const found = await find(page, 'Keller');
      assert.ok(found.includes('B-CH-1'), where);
      await check('search');
      await choose(page, 'B-CH-1');
      if (lang === 'ar') assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('#reg-panel')).direction), 'rtl');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#reg-checkin-form');
      await check('check-in form');
      // The replacement's confirmation, the longest sentence.
      await page.keyboard.press('Escape');
      await page.focus('#reg-act-replace');
      await page.keyboard.press('Enter');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#reg-replace-confirm:not([hidden])');
      await check('replace confirmation');
      await page.keyboard.press('Escape'); // cancels the confirmation
      assert.equal(await focused(page), 'reg-replace-next');
      // The walk-in form with a refused field.
      await page.keyboard.press('F8');
      await page.waitForSelector('#reg-walkin-form');
      await page.keyboard.type('Test Person', { delay: 30 });
      await page.focus('#reg-f-country');
      await page.keyboard.type('Nowhere', { delay: 30 });
      await page.focus('#reg-walkin-submit');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#reg-e-country[data-code="invalid_field"]');
      assert.ok((await page.textContent('#reg-e-country')).includes(expected[lang].country), `${where}: ${await page.textContent('#reg-e-country')}`);
      await check('walk-in with a refused field');
      if (viewport.width === 1280) await world.screenshot(page, `desk-walk-in-${lang}.png`);
      if (viewport.width === 1920 && (lang === 'en' || lang === 'ar')) {
        const file = await world.screenshot(page, `desk-registration-${lang}.png`);
        await world.copyToDocs(file, lang === 'en' ? 'desk-registration.png' : 'desk-registration-ar.png');
      }
      assert.deepEqual(page.errors, [], where);
      await context.close();
      n++;
    }
  }
  t.diagnostic(`${n} language × size combinations checked`);
});
