// Live wall: /wall?event=EVENT&lang=ar|zh|en|fr|ru|es. Aggregated totals only. Nothing is drawn
// until the gateway has accepted the display token (GET …/info): a screen without a token, or
// with a refused one, says so across the whole screen instead of showing plausible zeros.
import 'uplot/dist/uPlot.min.css';
import './wall.css';
import { applyDocumentLang, pickLang } from './lib/i18n.js';
import { displayStrings } from './lib/i18n_display.js';
import { connectDisplay } from './lib/display_socket.js';
import { createOverview } from './lib/overview.js';
import { loadEventInfo } from './lib/event_info.js';
import { eventTime } from './lib/event_time.js';

const params = new URLSearchParams(location.search);
const lang = pickLang(params.get('lang'));
const event = params.get('event') || '';
const t = displayStrings(lang);
applyDocumentLang(lang);
document.title = `${t.wall_title} · ${event}`;
const $ = (id) => document.getElementById(id);

// One rem of the wall in CSS pixels (the chart's canvas text follows it).
const rem = () => parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;

function gate(state, detail = '') {
  const [title, body] = {
    no_token: [t.gate_no_token, t.gate_no_token_body],
    refused: [t.gate_refused, t.gate_refused_body],
    unknown_event: [t.unknown_event, event],
    no_event: [t.no_event, ''],
  }[state] || [state, detail];
  $('gate-title').textContent = title;
  $('gate-body').textContent = body;
  $('gate').dataset.state = state;
  $('gate').hidden = false;
  $('overview').hidden = true;
  document.body.dataset.gate = state;
}

function setStatus(s) {
  $('link-status').dataset.status = s;
  $('link-text').textContent =
    s === 'live' ? t.live : s === 'reconnecting' ? t.reconnecting : s === 'unauthorized' ? t.unauthorized : s === 'error' ? t.unknown_event : t.connecting;
}

function startClock(clock) {
  $('clock-zone').textContent = clock.zoneName;
  const tick = () => {
    $('clock-time').textContent = clock.clock(new Date());
  };
  tick();
  $('event-clock').hidden = false;
  setInterval(tick, 1000);
}

async function start() {
  $('title').textContent = t.wall_title;
  $('event-name').textContent = event;
  setStatus('connecting');
  if (!event) return gate('no_event');
  let loaded;
  for (let attempt = 0; ; ++attempt) {
    loaded = await loadEventInfo(event);
    if (loaded.state !== 'unavailable') break;
    await new Promise((r) => setTimeout(r, Math.min(5000, 500 * 2 ** attempt)));
  }
  if (loaded.state !== 'ok') {
    setStatus(loaded.state === 'unknown_event' ? 'error' : 'unauthorized');
    return gate(loaded.state);
  }
  const info = loaded.info;
  if (info.name) {
    $('event-name').textContent = info.name;
    document.title = `${t.wall_title} · ${info.name}`;
  }
  const clock = eventTime(info.time_zone, lang);
  startClock(clock);
  $('overview').hidden = false;
  const overview = createOverview($('overview'), { lang, info, clock, rankingSize: 12, chartFont: () => 1.75 * rem() });
  overview.render(null);
  let pending = null;
  let scheduled = false;
  connectDisplay({
    event,
    onStatus: (s) => {
      setStatus(s);
      // A token revoked while the wall runs: the figures go, the reason stays.
      if (s === 'unauthorized') gate('refused');
    },
    onError: (error) => {
      if (error.code === 'unknown_event') gate('unknown_event');
    },
    onState: (totals) => {
      if (document.body.dataset.gate) {
        $('gate').hidden = true;
        $('overview').hidden = false;
        delete document.body.dataset.gate;
      }
      pending = totals;
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(() => {
        scheduled = false;
        overview.render(pending);
      });
    },
  });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
