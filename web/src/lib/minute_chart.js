// Arrivals (and online joins) per minute with uPlot. Minute keys are event-local times read as
// UTC, so the axis is drawn in UTC to show event time.
import uPlot from 'uplot';
import { minuteSeries } from './totals.js';

export function createMinuteChart(container, { labels, fontSize = 18, minutes = 60, colors }) {
  const font = `${fontSize}px system-ui, "Noto Sans", "DejaVu Sans", sans-serif`;
  const axis = {
    stroke: '#9fb0c8',
    font,
    grid: { stroke: 'rgba(159,176,200,0.15)', width: 1 },
    ticks: { stroke: 'rgba(159,176,200,0.25)', width: 1 },
  };
  let plot = null;
  const bars = uPlot.paths.bars({ size: [0.7, 24], align: 0 });
  let last = null;

  function options(width, height) {
    return {
      width,
      height,
      legend: { show: false },
      cursor: { show: false },
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(5, Math.ceil(max * 1.15))] } },
      axes: [
        { ...axis, size: fontSize * 2.4, values: '{HH}:{mm}', space: fontSize * 5 },
        { ...axis, size: fontSize * 3.2, space: fontSize * 2.5 },
      ],
      series: [
        {},
        { label: labels.arrivals, stroke: colors.onsite, width: 0, fill: colors.onsite, paths: bars, points: { show: false } },
        { label: labels.joins, stroke: colors.remote, width: 3, fill: colors.remoteFill, points: { show: false } },
      ],
    };
  }

  function size() {
    const r = container.getBoundingClientRect();
    return [Math.max(200, Math.floor(r.width)), Math.max(120, Math.floor(r.height))];
  }

  function data(totals) {
    const s = minuteSeries(totals, minutes);
    last = s;
    return [s.xs, s.arrivals, s.joins];
  }

  return {
    update(totals) {
      const d = data(totals);
      if (!plot) {
        const [w, h] = size();
        plot = new uPlot(options(w, h), d, container);
      } else {
        plot.setData(d);
      }
      container.classList.toggle('chart-empty', last.empty);
      plot.setSeries(2, { show: last.hasJoins });
    },
    resize() {
      if (plot) {
        const [w, h] = size();
        plot.setSize({ width: w, height: h });
      }
    },
  };
}
