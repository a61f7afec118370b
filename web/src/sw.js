// Service worker of the desk kiosk: keeps the desk page and its files so that a kiosk reloads
// while offline. Network first (a kiosk gets fixes as soon as it is online), cache as fallback.
const VERSION = '__VERSION__';
const PRECACHE = __PRECACHE__;
const CACHE = 'rollcall-desk-' + VERSION;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((path) => new Request(path, { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('rollcall-desk-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

function cacheKey(url) {
  const path = url.pathname === '/desk.html' ? '/desk' : url.pathname;
  return PRECACHE.includes(path) ? path : null;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const key = cacheKey(url);
  if (!key) return; // only the desk's own files; everything else goes to the network untouched
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      try {
        // A hanging network must not keep the kiosk blank: after 4 s, use the cached copy.
        const response = await Promise.race([
          fetch(request),
          new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 4000)),
        ]);
        if (response.ok) await cache.put(key, response.clone());
        return response;
      } catch (error) {
        const cached = await cache.match(key);
        if (cached) return cached;
        throw error;
      }
    })(),
  );
});
