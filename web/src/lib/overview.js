// The part the wall and the dashboard share: headline figures, the world map, the ranking of
// countries and the per-minute chart. Aggregated totals only: never personal data.
import { countryRows, figures } from './totals.js';
import { countryName } from './countries.js';
import { numberFormat, strings } from './i18n.js';
import { createWorldMap } from './world_map.js';
import { createMinuteChart } from './minute_chart.js';

const FIGURES = ['onsite', 'online_now', 'remote', 'countries', 'inside_now'];

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('data-')) node.setAttribute(k, v);
    else if (k in node) node[k] = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

export function createOverview(root, { lang, rankingSize = 10, chartFont = 18, mapSize }) {
  const t = strings(lang);
  const fmt = numberFormat(lang);
  const nameOf = (code) => countryName(code, lang, t.no_country);

  const cards = {};
  const figuresRow = el('section', { class: 'figures', 'aria-label': t.wall_title });
  for (const key of FIGURES) {
    const value = el('div', { class: 'figure-value', id: 'fig-' + key, 'data-value': '', text: '—' });
    const card = el('div', { class: 'figure figure-' + key }, value, el('div', { class: 'figure-label', text: t[key] }));
    cards[key] = value;
    figuresRow.append(card);
  }

  const mapBox = el('div', { class: 'map-box' });
  const legend = el(
    'div',
    { class: 'legend' },
    el('span', { class: 'swatch swatch-onsite' }),
    el('span', { text: t.legend_onsite }),
    el('span', { class: 'swatch swatch-gradient' }),
    el('span', { class: 'swatch swatch-remote' }),
    el('span', { text: t.legend_remote }),
    el('span', { class: 'legend-more', text: t.legend_more }),
  );
  const mapPanel = el('section', { class: 'panel map-panel' }, el('h2', { text: t.map_title }), mapBox, legend);

  const rankingList = el('ol', { class: 'ranking', id: 'ranking' });
  const rankingNote = el('div', { class: 'ranking-note', id: 'ranking-note' });
  const rankingPanel = el('section', { class: 'panel ranking-panel' }, el('h2', { text: t.top_countries }), rankingList, rankingNote);

  const chartBox = el('div', { class: 'chart-box', dir: 'ltr', 'data-empty-text': t.waiting });
  const chartLegend = el(
    'div',
    { class: 'legend chart-legend' },
    el('span', { class: 'swatch swatch-onsite' }),
    el('span', { text: t.arrivals }),
    el('span', { class: 'swatch swatch-remote joins-key' }),
    el('span', { class: 'joins-key', text: t.joins }),
  );
  const chartPanel = el('section', { class: 'panel chart-panel' }, el('div', { class: 'panel-head' }, el('h2', { text: t.per_minute }), chartLegend), chartBox);

  root.append(figuresRow, mapPanel, rankingPanel, chartPanel);

  const map = createWorldMap(mapBox, { ...(mapSize || {}), title: t.map_title });
  const chart = createMinuteChart(chartBox, {
    labels: { arrivals: t.arrivals, joins: t.joins },
    fontSize: chartFont,
    colors: {
      onsite: '#2dd4bf',
      onsiteFill: 'rgba(45,212,191,0.18)',
      remote: '#a78bfa',
      remoteFill: 'rgba(167,139,250,0.12)',
    },
  });
  let resizeTimer = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      chart.resize();
      for (const key of FIGURES) fitText(cards[key]);
    }, 100);
  });

  return {
    render(totals) {
      const f = figures(totals);
      for (const key of FIGURES) {
        const v = f[key];
        const text = fmt(v);
        const node = cards[key];
        node.dataset.value = v === undefined ? '' : String(v);
        if (node.textContent !== text) {
          node.textContent = text;
          fitText(node);
        }
      }
      const rows = countryRows(totals);
      map.update(rows, nameOf);
      renderRanking(rows);
      chart.update(totals);
      chartLegend.classList.toggle('no-joins', !Object.keys((totals && totals.joins_by_minute) || {}).length);
    },
  };

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
    // Show as many rows as the panel has room for.
    while (rankingList.children.length > 1 && rankingList.scrollHeight > rankingList.clientHeight + 1) {
      rankingList.lastChild.remove();
    }
    rankingList.dataset.emptyText = t.waiting;
  }
}

// Shrinks a headline number until it fits its card (long numbers in narrow cards).
export function fitText(node) {
  node.style.fontSize = '';
  let size = parseFloat(getComputedStyle(node).fontSize);
  let guard = 0;
  while (node.scrollWidth > node.clientWidth + 1 && size > 24 && guard++ < 40) {
    size *= 0.93;
    node.style.fontSize = size + 'px';
  }
}
