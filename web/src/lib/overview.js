// The part the wall and the dashboard share: headline figures (with the event's headline
// categories as cards), the world map, the ranking of countries, the per-minute chart and the
// rule by which countries are counted. Aggregated totals only: never personal data.
import { countryRows, figures } from './totals.js';
import { countryName } from './countries.js';
import { numberFormat } from './i18n.js';
import { categoryLabel, displayStrings } from './i18n_display.js';
import { createWorldMap } from './world_map.js';
import { createMinuteChart } from './minute_chart.js';

const FIGURES = ['onsite', 'remote', 'participants', 'countries', 'inside_now'];

import { el } from './dom.js';

export { el };

// info: the event's public configuration (GET …/info); clock: eventTime(info.time_zone, lang).
export function createOverview(root, { lang, info = {}, clock, rankingSize = 10, chartFont = () => 18, mapSize, nameZone = false }) {
  const t = displayStrings(lang);
  const fmt = numberFormat(lang);
  const nameOf = (code) => countryName(code, lang, t.no_country);
  const headline = (info.categories || []).filter((c) => c.headline);

  const cards = {};
  const figureCard = (key, label, extraClass = '') => {
    const value = el('div', { class: 'figure-value', id: 'fig-' + key, 'data-value': '', text: '—' });
    cards[key] = value;
    return el('div', { class: `figure figure-${key} ${extraClass}`.trim() }, value, el('div', { class: 'figure-label', text: label }));
  };
  const figuresRow = el('section', { class: 'figures', 'aria-label': t.wall_title }, ...FIGURES.map((key) => figureCard(key, t[key])));
  const headlineRow = el(
    'section',
    { class: 'headline-figures', 'data-count': String(headline.length + 1) },
    ...headline.map((c) => figureCard('cat-' + c.id, categoryLabel(c.id, lang, info), 'figure-category')),
    figureCard('online_now', t.online_now, 'figure-category'),
  );
  for (const c of headline) cards['cat-' + c.id].parentElement.dataset.category = c.id;

  const mapBox = el('div', { class: 'map-box' });
  const legend = el(
    'div',
    { class: 'legend map-legend' },
    el(
      'span',
      { class: 'legend-item legend-blend', title: t.legend_blend },
      el('span', { class: 'legend-text', text: t.legend_onsite }),
      el('span', { class: 'swatch swatch-gradient', 'aria-label': t.legend_blend }),
      el('span', { class: 'legend-text', text: t.legend_remote }),
    ),
    el('span', { class: 'legend-item' }, el('span', { class: 'swatch-circle' }), el('span', { class: 'legend-text', text: t.legend_size })),
  );
  const mapPanel = el('section', { class: 'panel map-panel' }, el('h2', { text: t.map_title }), mapBox, legend);

  const rankingList = el('ol', { class: 'ranking', id: 'ranking' });
  const rankingNote = el('div', { class: 'ranking-note', id: 'ranking-note' });
  const rankingPanel = el('section', { class: 'panel ranking-panel' }, el('h2', { text: t.top_countries }), rankingList, rankingNote);

  const chartBox = el('div', { class: 'chart-box', dir: 'ltr', 'data-empty-text': t.waiting });
  const chartLegend = el(
    'div',
    { class: 'legend chart-legend' },
    el('span', { class: 'legend-item' }, el('span', { class: 'swatch swatch-onsite' }), el('span', { class: 'legend-text', text: t.arrivals })),
    el('span', { class: 'legend-item joins-key' }, el('span', { class: 'swatch swatch-remote' }), el('span', { class: 'legend-text', text: t.joins })),
  );
  const chartTitle = el('h2', { class: 'chart-title', text: clock && nameZone ? `${t.per_minute} · ${clock.zoneName}` : t.per_minute });
  const chartPanel = el('section', { class: 'panel chart-panel' }, el('div', { class: 'panel-head' }, chartTitle, chartLegend), chartBox);

  const rule = el('div', { class: 'country-rule', id: 'country-rule' }, el('span', { class: 'rule-text', text: t.country_rule }), ' ', el('span', { class: 'rule-apart', id: 'country-apart' }));

  root.append(figuresRow, headlineRow, mapPanel, rankingPanel, chartPanel, rule);

  const map = createWorldMap(mapBox, { ...(mapSize || {}), title: t.map_title });
  const chart = createMinuteChart(chartBox, {
    labels: { arrivals: t.arrivals, joins: t.joins },
    fontSize: chartFont,
    nowKey: () => (clock ? clock.minuteKey() : undefined),
    formatValue: fmt,
    colors: {
      onsite: '#2dd4bf',
      onsiteFill: 'rgba(45,212,191,0.18)',
      remote: '#a78bfa',
      remoteFill: 'rgba(167,139,250,0.12)',
    },
  });
  let lastTotals = null;
  let resizeTimer = null;
  // body[data-refitting] while a refit is due: tests wait on it instead of the debounce's time.
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    document.body.dataset.refitting = '1';
    resizeTimer = setTimeout(() => {
      chart.resize();
      for (const node of Object.values(cards)) fitText(node);
      renderRanking(countryRows(lastTotals));
      delete document.body.dataset.refitting;
    }, 100);
  });

  function setValue(node, v) {
    const text = fmt(v);
    node.dataset.value = v === undefined ? '' : String(v);
    if (node.textContent !== text) {
      node.textContent = text;
      fitText(node);
    }
  }

  return {
    render(totals) {
      lastTotals = totals;
      const f = figures(totals);
      for (const key of FIGURES) setValue(cards[key], f[key]);
      setValue(cards.online_now, f.online_now);
      const byCategory = (totals && totals.onsite_by_category) || {};
      for (const c of headline) setValue(cards['cat-' + c.id], Number(byCategory[c.id] || 0));
      $apart(f);
      const rows = countryRows(totals);
      map.update(rows, nameOf);
      renderRanking(rows);
      chart.update(totals);
      chartLegend.classList.toggle('no-joins', !Object.keys((totals && totals.joins_by_minute) || {}).length);
    },
  };

  function $apart(f) {
    const node = rule.querySelector('#country-apart');
    node.textContent = f.territories || f.international ? t.country_apart(fmt(f.territories), fmt(f.international)) : '';
    node.dataset.territories = String(f.territories);
    node.dataset.international = String(f.international);
  }

  function renderRanking(rows) {
    const countriesOnly = rows.filter((r) => r.code);
    const top = countriesOnly.slice(0, rankingSize);
    const max = top.length ? top[0].total : 1;
    rankingList.replaceChildren(
      ...top.map((r, i) =>
        el(
          'li',
          { class: 'rank-row', 'data-country': r.code },
          el('span', { class: 'rank-pos', text: fmt(i + 1) }),
          el('span', { class: 'rank-name', text: nameOf(r.code) }),
          el(
            'span',
            { class: 'rank-bar' },
            el('span', { class: 'bar-onsite', style: `width:${(100 * r.onsite) / max}%` }),
            el('span', { class: 'bar-remote', style: `width:${(100 * r.remote) / max}%` }),
          ),
          el('span', { class: 'rank-value', text: fmt(r.total) }),
        ),
      ),
    );
    const intl = rows.find((r) => !r.code);
    rankingNote.textContent = intl ? `${t.no_country}: ${fmt(intl.total)}` : '';
    rankingPanel.classList.toggle('empty', top.length === 0);
    // Show as many rows as the panel has room for (by the rows' boxes: a tall script's glyphs
    // may overflow a row's line without taking room).
    const bottom = rankingList.getBoundingClientRect().bottom;
    while (rankingList.children.length > 1 && rankingList.lastElementChild.getBoundingClientRect().bottom > bottom + 1) {
      rankingList.lastElementChild.remove();
    }
    rankingList.dataset.emptyText = t.waiting;
  }
}

// Shrinks a headline number until it fits its card (long numbers in narrow cards).
export function fitText(node) {
  node.style.fontSize = '';
  let size = parseFloat(getComputedStyle(node).fontSize);
  let guard = 0;
  while (node.scrollWidth > node.clientWidth + 1 && size > 28 && guard++ < 40) {
    size *= 0.93;
    node.style.fontSize = size + 'px';
  }
}
