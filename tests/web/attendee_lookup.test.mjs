// The dashboard's "Find an attendee" panel against the real gateway: Arabic found without its
// tashkeel, Cyrillic by its Latin transliteration, Latin without accents, Chinese by pinyin; a
// clear "no match" and error state; keyboard only; never for a display's token; nothing cut
// sideways in six languages at three sizes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { World } from './world.mjs';

const EVENT = 'lookup-web-2026';
const HEADER = ['badge_id', 'country', 'category', 'name', 'organization', 'revoked'];
const PEOPLE = [
  ['AR-1', 'EG', 'minister', 'مُحَمَّد الشَّامِسِي', 'وزارة الاتصالات', ''],
  ['AR-2', 'SA', 'regulator', 'فَاطِمَة الزَّهْرَاء', 'هيئة الاتصالات', ''],
  ['RU-1', 'RU', 'academia', 'Иван Петров', 'МГУ', ''],
  ['RU-2', 'UA', 'media', 'Олена Коваленко', 'Суспільне', ''],
  ['LA-1', 'CH', 'civil_society', 'José Müller', 'Société numérique', ''],
  ['LA-2', 'FR', 'private_sector', 'Françoise Lefèvre-Dubois', 'Orange', 'true'],
  ['ZH-1', 'CN', 'technical', '张伟', '清华大学', ''],
  // A name long enough to test wrapping, in a script that joins its letters.
  ['AR-3', 'AE', 'un', 'عبد الرحمن بن محمد بن عبد العزيز آل عبد الكريم الطويل', 'الاتحاد الدولي للاتصالات', ''],
];
// Generated rows in the four scripts, so that a search has neighbours to rank.
const SYLLABLES = [['ka', 'lo', 'mi', 're'], ['ка', 'ло', 'ми', 'ре'], ['كا', 'لو', 'مي', 'ري'], ['王', '李', '陈', '杨']];
const GENERATED = Array.from({ length: 400 }, (_, i) => {
  const s = SYLLABLES[i % 4];
  const word = (n) => Array.from({ length: 3 }, (_, k) => s[(n >> (2 * k)) % 4]).join('');
  return [`GEN-${i + 1}`, 'FR', 'other', `${word(i)} ${word(i * 7 + 3)}`, 'Example Org', ''];
});

let world;
before(async () => {
  world = await World.start({ events: [{ id: EVENT, registry: [HEADER, ...PEOPLE, ...GENERATED] }] });
});
after(async () => {
  await world?.stop();
});

async function openDashboard({ lang = 'en', viewport, role = 'organizer' } = {}) {
  const { context, page } = await world.page(viewport ? { viewport } : {});
  await page.goto(world.url(`/dashboard?event=${EVENT}&lang=${lang}`, role, EVENT));
  return { context, page };
}

// Types into the search box with the keyboard only (Tab until it has focus, then keys).
async function search(page, text) {
  await page.focus('#lookup-q');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
  await page.waitForFunction(
    (q) => {
      const s = document.querySelector('#lookup-state');
      return ['found', 'none', 'error', 'hint', 'refused'].includes(s.dataset.state) && document.querySelector('#lookup-q').value === q;
    },
    text,
    { timeout: 10000 },
  );
  return page.evaluate(() => ({
    state: document.querySelector('#lookup-state').dataset.state,
    text: document.querySelector('#lookup-state').textContent,
    badges: [...document.querySelectorAll('#lookup-table tbody tr')].map((r) => r.dataset.badge),
  }));
}

test('finds attendees across scripts, accents and transliteration, keyboard only', async () => {
  const { context, page } = await openDashboard();
  await page.waitForSelector('#lookup-q');
  // The panel is reachable by Tab from the top of the page.
  let reached = false;
  for (let i = 0; i < 40 && !reached; ++i) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement && document.activeElement.id === 'lookup-q');
  }
  assert.ok(reached, 'Tab reaches the search box');
  const requests = [];
  page.on('request', (r) => r.url().includes('/attendees?') && requests.push(r.url()));

  const cases = [
    ['محمد', 'AR-1'], // Arabic without tashkeel
    ['الشامسي', 'AR-1'],
    ['فاطمه', 'AR-2'], // ة typed as ه
    ['Ivan Petrov', 'RU-1'], // Cyrillic by its transliteration
    ['petrov', 'RU-1'],
    ['kovalenko', 'RU-2'],
    ['jose muller', 'LA-1'], // Latin without accents
    ['LEFEVRE', 'LA-2'],
    ['Zhang Wei', 'ZH-1'], // Chinese by pinyin
    ['张伟', 'ZH-1'],
    ['ru-1', 'RU-1'], // badge id in lower case
    ['Société', 'LA-1'], // organization
  ];
  for (const [query, badge] of cases) {
    const found = await search(page, query);
    assert.equal(found.state, 'found', `${query}: ${found.text}`);
    // Among the matches (محمد is also a word of AR-3's name); a badge id comes first.
    assert.ok(found.badges.includes(badge), `${query} → ${found.badges.join(' ')}`);
    if (query === 'ru-1') assert.equal(found.badges[0], badge);
    assert.ok(!found.badges.some((b) => b.startsWith('GEN-')), `${query} → ${found.badges.join(' ')}`);
  }
  // Each row: name in its own script with dir=auto, the category's label, inside/outside, revoked.
  await search(page, 'Françoise');
  const row = await page.evaluate(() => {
    const r = document.querySelector('#lookup-table tbody tr[data-badge="LA-2"]');
    return { dir: r.querySelector('.lookup-name').getAttribute('dir'), cells: [...r.cells].map((c) => c.textContent), revoked: r.querySelector('[data-revoked]').dataset.revoked };
  });
  assert.equal(row.dir, 'auto');
  assert.deepEqual(row.cells.slice(0, 2), ['LA-2', 'Françoise Lefèvre-Dubois']);
  assert.ok(row.cells.includes('Private sector'), row.cells.join('|'));
  assert.ok(row.cells.includes('Outside'));
  assert.equal(row.revoked, 'true');
  assert.ok(row.cells.includes('Revoked'));

  // A clear "no match", a hint under two letters, Escape clears.
  const none = await search(page, 'qqxxzzkk');
  assert.equal(none.state, 'none');
  assert.match(none.text, /No attendee matches “qqxxzzkk”/);
  assert.equal(none.badges.length, 0);
  const hint = await search(page, 'x');
  assert.equal(hint.state, 'hint');
  await page.keyboard.press('Escape');
  assert.equal(await page.inputValue('#lookup-q'), '');
  assert.equal(await page.locator('#lookup-table').count(), 0);

  // Debounced: typing a word letter by letter does not ask per key, and the last question is the
  // whole word. (Not "exactly once": on a loaded machine a key can come after the 250 ms pause.)
  requests.length = 0;
  await page.keyboard.type('Petrov', { delay: 30 });
  await page.waitForSelector('#lookup-state[data-state="found"]');
  assert.ok(requests.length >= 1 && requests.length < 'Petrov'.length, requests.join('\n'));
  assert.match(requests[requests.length - 1], /[?&]q=Petrov$/);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a failing gateway is said as an error, not as "no match"', async () => {
  const { context, page } = await openDashboard();
  await page.waitForSelector('#lookup-q');
  await page.route('**/attendees?*', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: '{"code":"redis_unavailable","message":"x"}' }));
  const failed = await search(page, 'petrov');
  assert.equal(failed.state, 'error');
  assert.equal(failed.text, 'The search failed. Try again.');
  await page.unroute('**/attendees?*');
  const again = await search(page, 'Petrova');
  assert.notEqual(again.state, 'error');
  await context.close();
});

test("a display's or a desk's token never sees the panel, and the route refuses them", async () => {
  for (const role of ['display', 'desk']) {
    const { context, page } = await openDashboard({ role });
    await page.waitForSelector('#gate:not([hidden])', { timeout: 10000 });
    assert.equal(await page.locator('#lookup-panel').isVisible(), false);
    assert.equal(await page.locator('#lookup-q').count(), 0, `${role}: the panel was built`);
    const status = await page.evaluate(
      async ([event, token]) => (await fetch(`/v1/events/${event}/attendees?q=petrov`, { headers: { Authorization: `Bearer ${token}` } })).status,
      [EVENT, world.eventTokens[EVENT][role]],
    );
    assert.equal(status, 403, role);
    await context.close();
  }
});

test('the panel in six languages at three sizes: translated, nothing cut sideways', async () => {
  const english = new Set();
  for (const viewport of [{ width: 1920, height: 1080 }, { width: 1280, height: 720 }, { width: 390, height: 844 }]) {
    for (const lang of ['en', 'fr', 'es', 'ru', 'zh', 'ar']) {
      const { context, page } = await openDashboard({ lang, viewport });
      await page.waitForSelector('#lookup-q');
      const found = await search(page, 'محمد');
      assert.equal(found.state, 'found', `${lang}: ${found.text}`);
      assert.ok(found.badges.includes('AR-3') || found.badges.includes('AR-1'));
      await search(page, 'عبد الرحمن');
      const words = await page.evaluate(() =>
        [...document.querySelectorAll('#h-lookup, #lookup-table th, #lookup-state, #lookup-table td:nth-child(6), #lookup-table td:nth-child(7)')]
          .map((n) => n.textContent.trim())
          .concat(document.querySelector('#lookup-q').placeholder),
      );
      if (lang === 'en') words.forEach((w) => english.add(w));
      else {
        const left = words.filter((w) => english.has(w) && !['Badge'].includes(w));
        assert.deepEqual([...new Set(left)], [], `${lang}: English left`);
      }
      const cut = await page.evaluate(() => {
        const vw = document.documentElement.clientWidth;
        const panel = document.querySelector('#lookup-panel');
        return [...panel.querySelectorAll('*')]
          .filter((n) => {
            if (n.clientWidth === 0) return false;
            const box = n.getBoundingClientRect();
            // The results scroll inside their own box; everything else must fit.
            const scrolls = n.classList.contains('lookup-results');
            return (!scrolls && n.scrollWidth > n.clientWidth + 1) || box.left < -1 || box.right > vw + 1;
          })
          .map((n) => `${n.tagName}#${n.id}.${n.className} "${n.textContent.slice(0, 30)}"`)
          .concat(document.documentElement.scrollWidth > vw + 1 ? ['page'] : []);
      });
      assert.deepEqual(cut, [], `${lang} ${viewport.width}×${viewport.height}: cut sideways`);
      if (viewport.width === 1920 && (lang === 'en' || lang === 'ar')) await world.screenshot(page, `dashboard-lookup-${lang}.png`);
      assert.deepEqual(page.errors, []);
      await context.close();
    }
  }
});
