// Live wall: /wall?event=EVENT&lang=ar|zh|en|fr|ru|es. Aggregated totals only.
import 'uplot/dist/uPlot.min.css';
import './wall.css';
import { applyDocumentLang, pickLang, strings } from './lib/i18n.js';
import { connectDisplay } from './lib/display_socket.js';
import { createOverview } from './lib/overview.js';

const params = new URLSearchParams(location.search);
const lang = pickLang(params.get('lang'));
const event = params.get('event') || '';
const t = strings(lang);
applyDocumentLang(lang);
document.title = `${t.wall_title} · ${event}`;

function start() {
  document.getElementById('title').textContent = t.wall_title;
  document.getElementById('event-name').textContent = event;
  const linkStatus = document.getElementById('link-status');
  const linkText = document.getElementById('link-text');
  const setStatus = (s) => {
    linkStatus.dataset.status = s;
    linkText.textContent =
      s === 'live' ? t.live : s === 'reconnecting' ? t.reconnecting : s === 'unauthorized' ? t.unauthorized : s === 'error' ? t.unknown_event : t.connecting;
  };
  setStatus('connecting');
  const fatal = document.getElementById('fatal');
  if (!event) {
    fatal.textContent = t.no_event;
    fatal.hidden = false;
    return;
  }
  const overview = createOverview(document.getElementById('overview'), { lang, rankingSize: 8, chartFont: 20 });
  overview.render(null);
  let pending = null;
  let scheduled = false;
  connectDisplay({
    event,
    onStatus: setStatus,
    onError: (error) => {
      if (error.code === 'unknown_event') {
        fatal.textContent = `${t.unknown_event}: ${event}`;
        fatal.hidden = false;
      }
    },
    onState: (totals) => {
      fatal.hidden = true;
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
