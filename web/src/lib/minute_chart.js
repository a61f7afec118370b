// Arrivals (and online joins) per minute with uPlot. Minute keys are event-local times read as
// UTC, so the axis is drawn in UTC to show event time; an empty chart ends at the current
// minute in event time (nowKey), not at UTC now. Axis labels are measured, so no value
// ("10,000", "1 000", "1万") is cut, and the font follows the page's scale (fontSize()).
import uPlot from 'uplot';
import { minuteSeries } from './totals.js';

export function createMinuteChart(container, { labels, fontSize = () => 18, minutes = 60, colors, nowKey = () => undefined, formatValue = String }) {
  let plot = null;
  let builtFor = 0;
  const bars = uPlot.paths.bars({ size: [0.7, 24], align: 0 });
  let last = null;
  let lastData = null;
  const measure = document.createElement('canvas').getContext('2d');

  function options(width, height, px) {
    const font = `${px}px ${getComputedStyle(container).fontFamily || 'sans-serif'}`;
    measure.font = font;
    const axis = {
      stroke: '#9fb0c8',
      font,
      grid: { stroke: 'rgba(159,176,200,0.15)', width: 1 },
      ticks: { stroke: 'rgba(159,176,200,0.25)', width: 1, size: Math.round(px * 0.3) },
    };
    const widest = (values) => (values || []).reduce((m, v) => Math.max(m, measure.measureText(String(v)).width), 0);
    return {
      width,
      height,
      legend: { show: false },
      // Room at the end for the last time label, which is centred on its tick.
      padding: [Math.round(px * 0.5), Math.round(px * 1.6), 0, 0],
      cursor: { show: false },
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(5, Math.ceil(max * 1.15))] } },
      axes: [
        { ...axis, size: Math.ceil(px * 2.1), values: '{HH}:{mm}', space: px * 5, gap: Math.round(px * 0.3) },
        {
          ...axis,
          values: (u, splits) => splits.map((v) => formatValue(v)),
          // Wide enough for the widest label shown, plus the tick and a gap.
          size: (u, values) => Math.ceil(widest(values) + px * 1.0),
          space: px * 2.2,
          gap: Math.round(px * 0.3),
        },
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
    return [Math.max(200, Math.floor(r.width)), Math.max(100, Math.floor(r.height))];
  }

  function data(totals) {
    const s = minuteSeries(totals, minutes, nowKey());
    last = s;
    return [s.xs, s.arrivals, s.joins];
  }

  function build(d) {
    const [w, h] = size();
    const px = Math.round(fontSize());
    if (plot) plot.destroy();
    plot = new uPlot(options(w, h, px), d, container);
    builtFor = px;
    container.dataset.fontPx = String(px);
  }

  function rebuild() {
    build(lastData);
    plot.setSeries(2, { show: last.hasJoins });
  }

  // The box changes size without the window doing so (a legend that gains its "online" key and
  // wraps, a panel that grows): the plot follows its box, or its time labels are cut off. A box
  // that changed with the page's scale (a plot built before the viewport settled) also needs the
  // new font, so it is rebuilt rather than stretched.
  if (typeof ResizeObserver === 'function') {
    new ResizeObserver(() => {
      if (!plot) return;
      if (Math.round(fontSize()) !== builtFor) return rebuild();
      const [w, h] = size();
      if (w !== plot.width || h !== plot.height) plot.setSize({ width: w, height: h });
    }).observe(container);
  }

  return {
    update(totals) {
      const d = data(totals);
      lastData = d;
      if (!plot) build(d);
      else plot.setData(d);
      container.classList.toggle('chart-empty', last.empty);
      // The last minute on the time axis, in event time (as the labels show it).
      container.dataset.lastMinute = new Date(last.xs[last.xs.length - 1] * 1000).toISOString().slice(0, 16);
      plot.setSeries(2, { show: last.hasJoins });
    },
    // After a resize: a new font size needs a new plot (uPlot fixes fonts when built).
    resize() {
      if (!plot) return;
      if (Math.round(fontSize()) !== builtFor) {
        rebuild();
      } else {
        const [w, h] = size();
        plot.setSize({ width: w, height: h });
      }
    },
  };
}
