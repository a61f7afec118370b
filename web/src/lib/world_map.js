// World map (d3-geo + topojson-client + world-atlas 110m), shaded by participants per country:
// brightness grows with the total (log scale), hue runs from on-site (teal) to online (violet)
// with each country's share. The map stays left-to-right in every language: it is geography.
import { geoEqualEarth, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import atlas from 'world-atlas/countries-110m.json';
import { numericToAlpha2 } from './countries.js';

const SVG = 'http://www.w3.org/2000/svg';
export const ONSITE_RGB = [45, 212, 191];
export const REMOTE_RGB = [167, 139, 250];
const EMPTY = '#243042';

const world = feature(atlas, atlas.objects.countries);
world.features = world.features.filter((f) => f.id !== '010'); // Antarctica: no delegates

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
  }
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
