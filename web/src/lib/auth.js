// Login token (authentication arrives with a later issue; the gateway ignores it for now).
// HTTP: Authorization: Bearer TOKEN. WebSocket: an extra subprotocol rollcall.token.TOKEN.
const KEY = 'rollcall.token';

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
