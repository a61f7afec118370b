// web/src/badge_code.js against codes made by the real `rollcall-admin badge sign`: what the
// kiosk accepts offline must be exactly what the gateway accepts. Starts its own redis-server
// (rollcall-admin stores the public key there); needs rollcall-admin and rollcall-import in
// $ROLLCALL_BUILD_DIR (default build/). No browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import {
  keysFromBadgeKeys,
  looksLikeBadgeCode,
  parseBadgeCode,
  validOn,
  verifyBadgeCode,
} from '../../web/src/badge_code.js';

const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const buildDir = resolve(repo, process.env.ROLLCALL_BUILD_DIR || 'build');
const admin = join(buildDir, 'tools/admin/rollcall-admin');
const importer = join(buildDir, 'tools/import/rollcall-import');
const run = promisify(execFile);
const EVENT = 'kiosk-test-2025';

let dir;
let redis;
let redisUrl;
let port;
let keyId;
let keyFile;
let storedKey; // the BadgeKey JSON as Redis (and GET /v1/events/E/badge-keys) holds it

function freePort() {
  return new Promise((resolveP, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port: p } = server.address();
      server.close(() => resolveP(p));
    });
  });
}

async function sign(args) {
  const { stdout } = await run(admin, ['badge', 'sign', '--secret-file', keyFile, '--event', EVENT, ...args]);
  assert.match(stdout, /^RC1:[A-Z2-7]+\n$/);
  return stdout.trim();
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rollcall-badge-code-'));
  port = await freePort();
  redisUrl = `redis://127.0.0.1:${port}`;
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  for (let i = 0; ; i++) {
    try {
      if ((await run('redis-cli', ['-p', String(port), 'PING'])).stdout.trim() === 'PONG') break;
    } catch (e) {
      if (i > 200) throw e;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const registry = join(dir, 'registry.csv');
  await writeFile(registry, 'badge_id,country,category,name,organization\nK-0001,CH,un,Ana,ITU\nK-0002,KE,youth,Wanjiru,Youth IGF\n');
  await run(importer, ['--event', EVENT, '--registry', registry, '--redis', redisUrl]);
  keyFile = join(dir, 'kiosk.key');
  keyId = (await run(admin, ['badge-key', 'new', '--redis', redisUrl, '--event', EVENT, '--secret-file', keyFile])).stdout.trim();
  assert.match(keyId, /^[0-9a-f]{8}$/);
  const json = await run('redis-cli', ['-p', String(port), '--raw', 'HGET', `{${EVENT}}:badge_keys`, keyId]);
  storedKey = JSON.parse(json.stdout);
});

after(async () => {
  redis?.kill('SIGKILL');
  if (dir) await rm(dir, { recursive: true, force: true });
});

const keyTable = () => ({ [keyId]: storedKey });
const rawKeyTable = () => ({ [keyId]: Uint8Array.from(Buffer.from(storedKey.public_key, 'base64')) });

test('a code made by rollcall-admin verifies, with its claim', async () => {
  const code = await sign(['--badge', 'K-0001', '--first-day', '2025-11-03', '--last-day', '2025-11-07']);
  assert.ok(looksLikeBadgeCode(code));
  const result = verifyBadgeCode(code, EVENT, keyTable());
  assert.equal(result.status, 'ok');
  assert.deepEqual(result.claim, { key_id: keyId, event_id: EVENT, badge_id: 'K-0001', first_day: '2025-11-03', last_day: '2025-11-07' });
  assert.equal(verifyBadgeCode(code, EVENT, rawKeyTable()).status, 'ok');
  assert.equal(verifyBadgeCode(code, EVENT, keysFromBadgeKeys({ keys: [storedKey] })).status, 'ok');
  assert.ok(validOn(result.claim, '2025-11-07'));
  assert.ok(!validOn(result.claim, '2025-11-08'));
  assert.ok(!validOn(result.claim, '2025-11-02'));
  assert.ok(!validOn(result.claim, 'today'));

  const open = verifyBadgeCode(await sign(['--badge', 'K-0002']), EVENT, keyTable());
  assert.equal(open.status, 'ok');
  assert.equal(open.claim.first_day, '');
  assert.equal(open.claim.last_day, '');
  assert.ok(validOn(open.claim, '1999-01-01'));
});

test('every single flipped bit of a real code is refused', async () => {
  const code = await sign(['--badge', 'K-0001', '--first-day', '2025-11-03']);
  const seen = {};
  for (let i = 0; i < code.length; i++) {
    for (let bit = 0; bit < 8; bit++) {
      const altered = code.slice(0, i) + String.fromCharCode(code.charCodeAt(i) ^ (1 << bit)) + code.slice(i + 1);
      const { status, claim } = verifyBadgeCode(altered, EVENT, keyTable());
      assert.notEqual(status, 'ok', `char ${i} bit ${bit}: ${altered}`);
      assert.ok(['malformed', 'unknown_key', 'invalid_signature'].includes(status), status);
      assert.equal(claim.badge_id, '', 'no unproven claim is handed out');
      seen[status] = (seen[status] || 0) + 1;
    }
  }
  assert.ok(seen.invalid_signature > 0);
  assert.equal((seen.malformed || 0) + (seen.unknown_key || 0) + seen.invalid_signature, code.length * 8);
});

test('other keys, retired keys, other events, damaged text', async () => {
  const code = await sign(['--badge', 'K-0002']);
  assert.equal(verifyBadgeCode(code, EVENT, {}).status, 'unknown_key');
  assert.equal(verifyBadgeCode(code, EVENT, { [keyId]: new Uint8Array(32) }).status, 'invalid_signature');
  assert.equal(verifyBadgeCode(code, EVENT, { [keyId]: new Uint8Array(31) }).status, 'unknown_key');
  assert.equal(verifyBadgeCode(code, 'other-2025', keyTable()).status, 'wrong_event');

  // Retire the key with the real CLI and read it back as the gateway serves it.
  await run(admin, ['badge-key', 'retire', '--redis', redisUrl, '--event', EVENT, '--id', keyId]);
  const retired = JSON.parse((await run('redis-cli', ['-p', String(port), '--raw', 'HGET', `{${EVENT}}:badge_keys`, keyId])).stdout);
  assert.ok(retired.retired_at);
  const check = verifyBadgeCode(code, EVENT, { [keyId]: retired });
  assert.equal(check.status, 'retired_key');
  assert.equal(check.claim.badge_id, 'K-0002');

  for (let length = 0; length < code.length; length++) {
    assert.notEqual(verifyBadgeCode(code.slice(0, length), EVENT, keyTable()).status, 'ok');
  }
  for (const text of [code + 'A', code + 'AA', code.toLowerCase(), 'K-0002', '', 'RC1:', 'RC1:====', 'RC1:' + 'A'.repeat(2000), null, undefined, 42]) {
    assert.notEqual(verifyBadgeCode(text, EVENT, keyTable()).status, 'ok', String(text));
  }
  assert.equal(parseBadgeCode('RC1:MZXW6YTBOI'), null);
});

test('a signature with S not below the group order is refused (as libsodium does)', async () => {
  const code = await sign(['--badge', 'K-0001']);
  const parsed = parseBadgeCode(code);
  const L = [0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, ...new Array(15).fill(0), 0x10];
  const bytes = new Uint8Array(parsed.payload.length + 64);
  bytes.set(parsed.payload);
  bytes.set(parsed.signature, parsed.payload.length);
  // S + L (little endian), which plain Ed25519 arithmetic also accepts.
  let carry = 0;
  for (let i = 0; i < 32; i++) {
    const at = parsed.payload.length + 32 + i;
    const sum = bytes[at] + L[i] + carry;
    bytes[at] = sum & 0xff;
    carry = sum >> 8;
  }
  assert.equal(carry, 0);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let text = 'RC1:';
  let buffer = 0;
  let bits = 0;
  for (const b of bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      text += alphabet[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) text += alphabet[(buffer << (5 - bits)) & 31];
  assert.notEqual(text, code);
  assert.equal(verifyBadgeCode(text, EVENT, keyTable()).status, 'invalid_signature');
});
