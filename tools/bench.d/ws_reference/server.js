// The fan-out reference of tools/bench: a broadcast server on npm's `ws`, doing what a rollcall
// gateway does for its displays: one 2 KB binary message every 100 ms to every connected client.
// The first 8 bytes of each message are the send time (microseconds since the Unix epoch, a
// little-endian double), so a client measures delivery latency exactly as for rollcall's `as_of`.
//
// Usage: node server.js PORT [SIZE_BYTES=2048] [TICK_MS=100]
'use strict';
const { WebSocketServer } = require('ws');

const port = Number(process.argv[2] || 8090);
const size = Number(process.argv[3] || 2048);
const tick = Number(process.argv[4] || 100);

const wss = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false, backlog: 4096 });
const body = Buffer.alloc(size);
for (let i = 8; i < size; i++) body[i] = 32 + (i * 7) % 90;

let sent = 0;
setInterval(() => {
  if (wss.clients.size === 0) return;
  const message = Buffer.from(body);  // a fresh buffer: queued sends keep their own stamp
  message.writeDoubleLE((performance.timeOrigin + performance.now()) * 1000, 0);
  for (const client of wss.clients) {
    if (client.readyState === 1) {
      client.send(message, { binary: true });
      sent++;
    }
  }
}, tick);

wss.on('listening', () => console.log(`ws-reference listening on 127.0.0.1:${port}, ${size} B every ${tick} ms`));
process.on('SIGTERM', () => { console.log(`ws-reference sent ${sent} messages`); process.exit(0); });
process.on('SIGINT', () => process.exit(0));
