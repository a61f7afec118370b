// Access tokens (issued with rollcall-admin). HTTP: Authorization: Bearer TOKEN. WebSocket: an
// extra subprotocol rollcall.token.TOKEN, since browsers cannot set headers on an upgrade.
// A screen without a keyboard gets its token in the link: /wall?event=E#token=T (the fragment
// never reaches a server or a log); it is kept in localStorage and removed from the address bar.
// A kiosk keeps its desk token apart: an organizer's token on the same machine cannot scan.
const KEY = typeof location !== 'undefined' && location.pathname.startsWith('/desk') ? 'rollcall.desk_token' : 'rollcall.token';

// Close codes the gateway uses for a refused token: 4401 none or invalid, 4403 wrong role.
export const AUTH_CLOSE_CODES = [4401, 4403];

(function takeTokenFromLink() {
  if (typeof location === 'undefined' || !location.hash.startsWith('#')) return;
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token');
  if (!token) return;
  setToken(token);
  params.delete('token');
  const rest = params.toString();
  history.replaceState(null, '', location.pathname + location.search + (rest ? '#' + rest : ''));
})();

export function getToken() {
  try {
    return localStorage.getItem(KEY) || '';
  } catch {
    return '';
  }
}

export function setToken(token) {
  try {
    if (token) localStorage.setItem(KEY, token);
    else localStorage.removeItem(KEY);
  } catch {
    /* storage disabled: the token lives for this page only */
  }
}

// Subprotocol values must be HTTP tokens; anything else would make the browser refuse to open
// the socket, so such a token is left out of the WebSocket (HTTP still carries it).
const TOKEN_CHARS = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

export function subprotocols(token = getToken()) {
  const list = ['rollcall.v1.json'];
  if (token && TOKEN_CHARS.test(token)) list.push('rollcall.token.' + token);
  return list;
}

export function authHeaders(token = getToken()) {
  return token ? { Authorization: 'Bearer ' + token } : {};
}

export function socketUrl(path) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${path}`;
}
