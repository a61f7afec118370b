// The plain live page (/): pick an event, see its headline figures live, open its screens.
import './index.css';
import { connectDisplay } from './lib/display_socket.js';
import { figures } from './lib/totals.js';
import { LANGS } from './lib/i18n.js';

const params = new URLSearchParams(location.search);
const event = params.get('event') || '';
const $ = (id) => document.getElementById(id);
const LABELS = {
  onsite: 'On site',
  online_now: 'Online now',
  remote: 'Remote participants',
  countries: 'Countries represented',
  inside_now: 'Inside now',
};

function start() {
  $('event').value = event;
  if (!event) return;
  $('live').hidden = false;
  document.title = `rollcall · ${event}`;
  const e = encodeURIComponent(event);
  const links = [
    ...LANGS.map((l) => [`/wall?event=${e}&lang=${l}`, `Wall (${l})`]),
    [`/dashboard?event=${e}`, 'Organizer dashboard'],
    [`/desk?event=${e}`, 'Desk kiosk'],
    [`/v1/events/${e}/totals`, 'Totals (JSON)'],
  ];
  for (const [href, text] of links) {
    const a = document.createElement('a');
    a.href = href;
    a.textContent = text;
    $('links').append(a);
  }
  const nf = new Intl.NumberFormat('en');
  connectDisplay({
    event,
    onStatus: (s) => {
      $('link-status').dataset.status = s;
      $('link-text').textContent = s === 'live' ? 'Live' : s === 'reconnecting' ? 'Reconnecting…' : 'Connecting…';
    },
    onError: (error) => {
      $('link-text').textContent = `${error.code}: ${error.message}`;
      $('link-status').dataset.status = 'error';
    },
    onState: (totals, seq) => {
      const f = figures(totals);
      $('seq').textContent = `seq ${seq}`;
      $('figures').replaceChildren(
        ...Object.entries(LABELS).map(([key, label]) => {
          const tr = document.createElement('tr');
          const th = document.createElement('th');
          const td = document.createElement('td');
          th.textContent = label;
          td.id = 'fig-' + key;
          td.textContent = f[key] === undefined ? '—' : nf.format(f[key]);
          tr.append(th, td);
          return tr;
        }),
      );
    },
  });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
