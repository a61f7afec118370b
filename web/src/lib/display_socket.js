// The /v1/display connection: snapshot, updates, gap → {"snapshot": true}, reconnect with
// backoff; the caller gets the state after every change and the link status
// ("connecting" | "live" | "reconnecting" | "unauthorized" | "error").
import { DisplayState } from './totals.js';
import { AUTH_CLOSE_CODES, socketUrl, subprotocols } from './auth.js';

// `venue` instead of `event`: the venue's figures, each person once (docs/venues.md).
export function connectDisplay({ event, venue, onState, onStatus, onError }) {
  const state = new DisplayState();
  let ws = null;
  let attempt = 0;
  let timer = null;
  let stopped = false;
  let everLive = false;

  const status = (s) => onStatus && onStatus(s);

  function open() {
    clearTimeout(timer);
    status(everLive ? 'reconnecting' : 'connecting');
    let socket;
    try {
      const query = venue ? 'venue=' + encodeURIComponent(venue) : 'event=' + encodeURIComponent(event);
      socket = new WebSocket(socketUrl('/v1/display?' + query), subprotocols());
    } catch (e) {
      schedule();
      return;
    }
    ws = socket;
    let snapshotAsked = false;
    socket.onmessage = (m) => {
      let message;
      try {
        message = JSON.parse(m.data);
      } catch {
        return;
      }
      if (message.error) {
        onError && onError(message.error);
        return;
      }
      const outcome = state.receive(message);
      if (outcome === 'gap') {
        if (!snapshotAsked && socket.readyState === WebSocket.OPEN) {
          snapshotAsked = true;
          socket.send(JSON.stringify({ snapshot: true }));
        }
        return;
      }
      if (message.snapshot) {
        snapshotAsked = false;
        attempt = 0;
        everLive = true;
        status('live');
      }
      if (outcome === 'applied') onState(state.totals, state.seq);
    };
    socket.onclose = (event) => {
      if (ws !== socket) return;
      ws = null;
      if (!stopped) {
        // A refused token is retried slowly: an organizer may issue or renew it meanwhile.
        const refused = AUTH_CLOSE_CODES.includes(event.code);
        if (refused) attempt = 6;
        status(refused ? 'unauthorized' : everLive ? 'reconnecting' : 'connecting');
        schedule();
      }
    };
    socket.onerror = () => {
      /* onclose follows */
    };
  }

  function schedule() {
    clearTimeout(timer);
    const delay = Math.min(5000, 300 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
    attempt = Math.min(attempt + 1, 6);
    timer = setTimeout(open, delay);
  }

  window.addEventListener('online', () => {
    if (!ws && !stopped) {
      attempt = 0;
      open();
    }
  });

  open();
  return {
    state,
    close() {
      stopped = true;
      clearTimeout(timer);
      if (ws) ws.close();
    },
  };
}
