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

// States too small for the 110m atlas (no shape at all): placed by their capital's longitude
// and latitude, so that a delegation from Singapore, Malta or Tuvalu still gets its circle.
export const SMALL_STATES = {
  AD: [1.52, 42.51], AG: [-61.85, 17.12], BB: [-59.54, 13.19], BH: [50.56, 26.07], CV: [-23.51, 14.93],
  DM: [-61.39, 15.3], FM: [158.16, 6.92], GD: [-61.75, 12.06], KI: [172.98, 1.33], KM: [43.26, -11.7],
  KN: [-62.72, 17.3], LC: [-60.99, 14.01], LI: [9.52, 47.14], MC: [7.42, 43.74], MH: [171.38, 7.09],
  MT: [14.51, 35.9], MU: [57.5, -20.16], MV: [73.51, 4.18], NR: [166.92, -0.55], PW: [134.62, 7.5],
  SC: [55.45, -4.62], SG: [103.82, 1.35], SM: [12.45, 43.94], ST: [6.73, 0.34], TO: [-175.2, -21.14],
  TV: [179.2, -8.52], VA: [12.45, 41.9], VC: [-61.22, 13.16], WS: [-171.76, -13.83],
};

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
  for (const [code, lonLat] of Object.entries(SMALL_STATES)) {
    const xy = anchors.has(code) ? null : projection(lonLat);
    if (xy && Number.isFinite(xy[0]) && Number.isFinite(xy[1])) anchors.set(code, xy);
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
          const radius = Math.max(MIN_RADIUS, MAX_RADIUS * Math.sqrt(r.total / (max || 1)));
          // Kept whole on the map (Tuvalu and Kiribati sit on its eastern edge).
          const inside = (v, limit) => Math.min(Math.max(v, radius + 1), limit - radius - 1);
          const c = document.createElementNS(SVG, 'circle');
          c.setAttribute('cx', inside(x, width).toFixed(1));
          c.setAttribute('cy', inside(y, height).toFixed(1));
          c.setAttribute('r', radius.toFixed(1));
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
