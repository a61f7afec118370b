// World map (d3-geo + topojson-client + world-atlas 110m), shaded by participants per country:
// brightness grows with the total (log scale), hue runs from on-site (teal) to online (violet)
// with each country's share. A circle on each country with participants, its area in
// proportion to them and never smaller than a readable dot, keeps small States (Switzerland,
// Singapore, Malta) visible. The map stays left-to-right in every language: it is geography.
import { geoArea, geoEqualEarth, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import atlas from 'world-atlas/countries-110m.json';
import { numericToAlpha2 } from './countries.js';

const SVG = 'http://www.w3.org/2000/svg';
export const ONSITE_RGB = [45, 212, 191];
export const REMOTE_RGB = [167, 139, 250];
const EMPTY = '#243042';

const world = feature(atlas, atlas.objects.countries);
world.features = world.features.filter((f) => f.id !== '010'); // Antarctica: no delegates

export const MIN_RADIUS = 7; // viewBox units (about 7 px on a wall): a small State is still seen
const MAX_RADIUS = 40;

// Where a country's circle goes: the centre of its largest polygon (France's is in Europe, not
// between Europe and French Guiana).
function anchor(path, f) {
  if (f.geometry.type !== 'MultiPolygon') return path.centroid(f);
  let best = null;
  let bestArea = -1;
  for (const coordinates of f.geometry.coordinates) {
    const part = { type: 'Feature', geometry: { type: 'Polygon', coordinates } };
    const area = geoArea(part);
    if (area > bestArea) {
      bestArea = area;
      best = part;
    }
  }
  return path.centroid(best);
}

export function createWorldMap(container, { width = 1000, height = 520, title = '' } = {}) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('preserveAspectRatio', 'xMidYMid meet');
  svg.setAttribute('role', 'img');
  svg.setAttribute('dir', 'ltr');
  svg.classList.add('world-map');
  const label = document.createElementNS(SVG, 'title');
  label.textContent = title;
  svg.appendChild(label);
  const projection = geoEqualEarth().fitExtent([[4, 4], [width - 4, height - 4]], world);
  const path = geoPath(projection);
  const byCode = new Map();
  const anchors = new Map();
  for (const f of world.features) {
    const p = document.createElementNS(SVG, 'path');
    p.setAttribute('d', path(f) || '');
    p.setAttribute('fill', EMPTY);
    const code = f.id ? numericToAlpha2(f.id) : undefined;
    if (code) {
      p.dataset.country = code;
      if (!byCode.has(code)) byCode.set(code, []);
      byCode.get(code).push(p);
    }
    svg.appendChild(p);
    if (code && !anchors.has(code)) {
      const [x, y] = anchor(path, f);
      if (Number.isFinite(x) && Number.isFinite(y)) anchors.set(code, [x, y]);
    }
  }
  const circles = document.createElementNS(SVG, 'g');
  circles.classList.add('map-circles');
  svg.appendChild(circles);
  container.appendChild(svg);

  return {
    // rows: [{code, onsite, remote, total}]
    update(rows, nameOf) {
      const max = rows.reduce((m, r) => (r.code ? Math.max(m, r.total) : m), 0);
      const seen = new Set();
      for (const r of rows) {
        const paths = byCode.get(r.code);
        if (!paths) continue;
        seen.add(r.code);
        const share = r.total ? r.onsite / r.total : 1;
        const intensity = max ? Math.log1p(r.total) / Math.log1p(max) : 0;
        const fill = shade(share, 0.35 + 0.65 * intensity);
        for (const p of paths) {
          p.setAttribute('fill', fill);
          p.dataset.onsite = r.onsite;
          p.dataset.remote = r.remote;
          let t = p.querySelector('title');
          if (!t) p.appendChild((t = document.createElementNS(SVG, 'title')));
          t.textContent = `${nameOf(r.code)}: ${r.total}`;
        }
      }
      // Circles, largest first so that a small one is drawn over a large neighbour.
      const drawn = rows.filter((r) => r.code && r.total > 0 && anchors.has(r.code)).sort((a, b) => b.total - a.total);
      circles.replaceChildren(
        ...drawn.map((r) => {
          const [x, y] = anchors.get(r.code);
          const c = document.createElementNS(SVG, 'circle');
          c.setAttribute('cx', x.toFixed(1));
          c.setAttribute('cy', y.toFixed(1));
          c.setAttribute('r', Math.max(MIN_RADIUS, MAX_RADIUS * Math.sqrt(r.total / (max || 1))).toFixed(1));
          c.setAttribute('fill', shade(r.total ? r.onsite / r.total : 1, 1));
          c.dataset.country = r.code;
          return c;
        }),
      );
      for (const [code, paths] of byCode) {
        if (seen.has(code)) continue;
        for (const p of paths) {
          p.setAttribute('fill', EMPTY);
          delete p.dataset.onsite;
          delete p.dataset.remote;
        }
      }
    },
  };
}

function shade(onsiteShare, intensity) {
  const base = [36, 48, 66];
  const hue = ONSITE_RGB.map((c, i) => c * onsiteShare + REMOTE_RGB[i] * (1 - onsiteShare));
  const rgb = hue.map((c, i) => Math.round(base[i] + (c - base[i]) * intensity));
  return `rgb(${rgb.join(',')})`;
}
