// The desk's outbox in IndexedDB: every scan is stored before it is sent (with the verdict the
// desk showed on its own, when it had to decide offline) and deleted only once
// the gateway has answered with something other than `unavailable`, so a reload or a crash
// loses nothing and replays keep their scan_id (the gateway de-duplicates by it).
const STORE = 'scans';

function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export async function openScanQueue(name) {
  const open = indexedDB.open(name, 1);
  open.onupgradeneeded = () => {
    open.result.createObjectStore(STORE, { keyPath: 'n', autoIncrement: true });
  };
  const db = await promised(open);
  const store = (mode) => db.transaction(STORE, mode).objectStore(STORE);
  return {
    // offline: the verdict the desk showed on its own ({verdict, status}), or null.
    async add(scan, offline = null) {
      const tx = db.transaction(STORE, 'readwrite');
      const n = await promised(tx.objectStore(STORE).add({ scan, offline, queued_at: Date.now() }));
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
      return n;
    },
    async first() {
      const cursor = await promised(store('readonly').openCursor());
      return cursor ? cursor.value : null;
    },
    async get(n) {
      return (await promised(store('readonly').get(n))) || null;
    },
    // Changes a queued item in one transaction, so an item the pump removed meanwhile stays
    // removed. Returns the changed item, or null when it is gone.
    async update(n, change) {
      const tx = db.transaction(STORE, 'readwrite');
      const items = tx.objectStore(STORE);
      const item = await promised(items.get(n));
      if (!item) return null;
      change(item);
      await promised(items.put(item));
      return item;
    },
    async remove(n) {
      await promised(store('readwrite').delete(n));
    },
    async count() {
      return promised(store('readonly').count());
    },
  };
}

// scan_id: [A-Za-z0-9_.:-]{1,128}, random. crypto.getRandomValues works outside secure
// contexts too (a kiosk on plain http over the LAN), unlike crypto.randomUUID.
export function newScanId(deskId) {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  const prefix = (deskId || 'desk').replace(/[^A-Za-z0-9_.:-]/g, '').slice(0, 60) || 'desk';
  return `${prefix}:${hex}`;
}
