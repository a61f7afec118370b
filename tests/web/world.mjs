// A private world per test file: redis-server on a free loopback port, a registry imported with
// rollcall-import, rollcall-gateway serving web/dist, and headless Chromium (Debian's) driven by
// playwright-core. Binaries come from $ROLLCALL_BUILD_DIR (default build/).
import { spawn, execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtemp, mkdir, rm, writeFile, copyFile } from 'node:fs/promises';
import { createServer, createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const requireFromWeb = createRequire(join(repo, 'web', 'package.json'));
export const { chromium } = requireFromWeb('playwright-core');
export const WebSocket = requireFromWeb('ws');

export const buildDir = resolve(repo, process.env.ROLLCALL_BUILD_DIR || 'build');
export const screenshotDir = join(buildDir, 'screenshots');
const webRoot = join(repo, 'web', 'dist');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Waits until the desk's card shows a scan other than `previous` (its data-scan-id before the
// scan). Online, a desk decides alone after its answer patience (cause no_answer) and shows the
// gateway's answer when it comes: a loaded machine can be that slow, so the gateway's is waited
// for unless `patience` says the test wants the desk's own. `queued`: a card that only says the
// scan waits counts too. A bound on waiting, not a speed claim.
export async function waitForVerdict(page, previous, { patience = false, queued = false } = {}) {
  await page.waitForFunction(([prev, patience, queued]) => {
    const r = document.querySelector('#result');
    return r.dataset.scanId && r.dataset.scanId !== prev && (queued || r.dataset.status !== 'queued') && (patience || r.dataset.cause !== 'no_answer');
  }, [previous, patience, queued], { timeout: 15000 });
}

export async function freePort() {
  return new Promise((resolveP, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolveP(port));
    });
  });
}

async function waitFor(what, check, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (e) {
      last = e;
    }
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}${last ? ': ' + last.message : ''}`);
}

function redisPing(port) {
  return new Promise((resolveP) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write('PING\r\n'));
    socket.setTimeout(500, () => (socket.destroy(), resolveP(false)));
    socket.on('data', (d) => {
      socket.destroy();
      resolveP(d.toString().startsWith('+PONG'));
    });
    socket.on('error', () => resolveP(false));
  });
}

function spawnLogged(command, args, logPrefix) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.log = '';
  const keep = (d) => {
    child.log += d.toString();
    if (child.log.length > 20000) child.log = child.log.slice(-10000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.exited = new Promise((r) => child.on('exit', (code, signal) => r({ code, signal })));
  child.logPrefix = logPrefix;
  return child;
}

const GUEST_COUNTRIES = ['CH', 'CH', 'CH', 'FR', 'FR', 'DE', 'DE', 'US', 'US', 'BR', 'KE', 'IN', 'IN', 'EG', 'CN', 'MX', 'NG', 'ZA', 'AR', 'CA', 'AU', 'JP', 'KR', 'SA', 'AE', 'MA', 'SN', 'ID', 'TR', 'IT', 'ES', 'GB', 'RU', 'PK', 'BD', 'CO', 'PE', 'GH', 'ET', 'SE', 'NO', 'PL', 'UA', 'VN', 'TH', 'PH'];

// The registry every test uses (names are fictional).
export const REGISTRY = [
  ['badge_id', 'country', 'category', 'name', 'organization', 'revoked'],
  ['B-CH-1', 'CH', 'minister', 'Anna Keller', 'Federal Office of Communications', ''],
  ['B-CH-2', 'CH', 'regulator', 'Luca Meier', 'OFCOM', ''],
  ['B-CH-3', 'CH', 'civil_society', 'Nora Frei', 'Digital Society', ''],
  ['B-FR-1', 'FR', 'private_sector', 'Camille Martin', 'Orange', ''],
  ['B-FR-2', 'FR', 'academia', 'Hugo Bernard', 'Sorbonne', ''],
  ['B-KE-1', 'KE', 'youth', 'Wanjiru Kamau', 'Youth IGF Kenya', ''],
  ['B-BR-1', 'BR', 'technical', 'Pedro Souza', 'NIC.br', ''],
  ['B-EG-1', 'EG', 'minister', 'Omar Hassan', 'MCIT', ''],
  ['B-CN-1', 'CN', 'private_sector', 'Li Wei', 'Huawei', ''],
  ['B-JP-1', 'JP', 'media', 'Yuki Tanaka', 'NHK', ''],
  ['B-US-1', 'US', 'civil_society', 'Maya Johnson', 'EFF', ''],
  ['B-IN-1', 'IN', 'technical', 'Arjun Rao', 'NIXI', ''],
  ['B-UN-1', '', 'un', 'Sam Okafor', 'ITU', ''],
  ['B-REV-1', 'DE', 'other', 'Revoked Person', 'Nowhere', 'true'],
  // Guests from many countries (more from some than from others) for a realistic screen.
  ...Array.from({ length: 240 }, (_, i) => [`B-X-${i + 1}`, GUEST_COUNTRIES[Math.floor(GUEST_COUNTRIES.length * (((i * 17) % 240) / 240) ** 1.6)], ['academia', 'civil_society', 'private_sector', 'technical', 'un', 'youth'][i % 6], `Guest ${i + 1}`, 'Example Org', '']),
];

export const EVENT_ID = 'web-test-2025';
export const EVENT_FILE = {
  event_id: EVENT_ID,
  name: 'rollcall web test',
  time_zone: 'Europe/Zurich',
  days: [],
  zones: ['hall_a', 'hall_b', 'room_1'],
};

export class World {
  static async start({ events = [{ id: EVENT_ID, eventFile: EVENT_FILE }] } = {}) {
    const w = new World();
    w.dir = await mkdtemp(join(tmpdir(), 'rollcall-web-'));
    w.redisPort = await freePort();
    w.redis = spawnLogged('redis-server', ['--port', String(w.redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', w.dir], 'redis');
    await waitFor('redis-server', () => redisPing(w.redisPort));
    const csv = REGISTRY.map((row) => row.join(',')).join('\n') + '\n';
    const registryPath = join(w.dir, 'registry.csv');
    await writeFile(registryPath, csv);
    for (const e of events) {
      // An event may bring its own registry rows (same columns as REGISTRY).
      let path = registryPath;
      if (e.registry) {
        path = join(w.dir, `${e.id}-registry.csv`);
        await writeFile(path, e.registry.map((row) => row.join(',')).join('\n') + '\n');
      }
      const args = ['--event', e.id, '--registry', path, '--redis', w.redisUrl];
      if (e.eventFile) {
        const file = join(w.dir, `${e.id}.json`);
        await writeFile(file, JSON.stringify(e.eventFile));
        args.push('--event-file', file);
      }
      await promisify(execFile)(join(buildDir, 'tools/import/rollcall-import'), args);
    }
    // One real token per event and role, issued as an organizer would (rollcall-admin, hashed).
    w.eventTokens = {};
    for (const e of events) {
      w.eventTokens[e.id] = {};
      for (const role of ['desk', 'platform', 'display', 'organizer']) {
        w.eventTokens[e.id][role] = await w.issueToken(role, { event: e.id });
      }
    }
    w.tokens = w.eventTokens[EVENT_ID] || {};
    w.port = await freePort();
    await w.startGateway();
    w.browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    return w;
  }

  // rollcall-admin with these arguments; its standard output, trimmed.
  async admin(...args) {
    const { stdout } = await promisify(execFile)(join(buildDir, 'tools/admin/rollcall-admin'), args);
    return stdout.trim();
  }

  issueToken(role, { event = EVENT_ID, extra = [] } = {}) {
    return this.admin('token', 'issue', '--redis', this.redisUrl, '--event', event, '--role', role, '--name', `web test ${role}`, ...extra);
  }

  // A venue grouping events (docs/venues.md), and a token of the venue (stored in the venue's
  // tokens and in each member event's), as an organizer makes them with rollcall-admin.
  createVenue(venue, name, events) {
    return this.admin('venue', 'create', '--redis', this.redisUrl, '--venue', venue, '--name', name, '--events', events.join(','));
  }

  venueToken(venue, role, extra = []) {
    return this.admin('token', 'issue', '--redis', this.redisUrl, '--venue', venue, '--role', role, '--name', `web test venue ${role}`, ...extra);
  }

  // A page address carrying a role's token in its fragment, as an organizer hands it out.
  url(path, role, event = EVENT_ID) {
    return `${this.base}${path}#token=${this.eventTokens[event][role]}`;
  }

  // A desk is its token: desk `deskId`'s own token (rollcall-admin token issue --desk), issued
  // once. Scans count for this desk whatever desk_id the frames carry.
  async deskToken(deskId, event = EVENT_ID) {
    this.deskTokens ??= new Map();
    const key = `${event}\n${deskId}`;
    if (!this.deskTokens.has(key)) {
      this.deskTokens.set(key, await this.issueToken('desk', { event, extra: ['--desk', deskId] }));
    }
    return this.deskTokens.get(key);
  }

  // A kiosk's address with its desk's token in the fragment.
  async deskUrl(path, deskId, event = EVENT_ID) {
    return `${this.base}${path}#token=${await this.deskToken(deskId, event)}`;
  }

  get redisUrl() {
    return `redis://127.0.0.1:${this.redisPort}`;
  }

  get base() {
    return `http://127.0.0.1:${this.port}`;
  }

  async startGateway(port = this.port) {
    const gateway = spawnLogged(
      join(buildDir, 'gateway/rollcall-gateway'),
      ['--listen', `127.0.0.1:${port}`, '--redis', this.redisUrl, '--web-root', webRoot, '--tick-ms', '100', '--threads', '2'],
      'gateway',
    );
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitFor('rollcall-gateway /readyz', async () => {
        if (gateway.exitCode !== null) throw new Error('gateway exited:\n' + gateway.log);
        const r = await fetch(base + '/readyz');
        return r.ok;
      });
    } catch (e) {
      gateway.kill('SIGKILL');
      throw new Error(e.message + '\n' + gateway.log);
    }
    if (port === this.port) this.gateway = gateway;
    return gateway;
  }

  // Kills the gateway the hard way (a crash) and waits until it is gone.
  async killGateway(gateway = this.gateway, signal = 'SIGKILL') {
    if (!gateway || gateway.exitCode !== null || gateway.signalCode) return;
    gateway.kill(signal);
    await gateway.exited;
  }

  async totals(event = EVENT_ID) {
    const r = await fetch(`${this.base}/v1/events/${event}/totals`, { headers: { Authorization: `Bearer ${(this.eventTokens[event] || this.tokens).organizer}` } });
    if (!r.ok) throw new Error(`totals: HTTP ${r.status}`);
    return r.json();
  }

  // A desk over the JSON subprotocol: scan(badge, {direction, zone}) → ScanResult.
  async desk({ event = EVENT_ID, deskId = 'node-desk', zone = 'hall_a', base = this.base } = {}) {
    const token = await this.deskToken(deskId, event);
    const ws = new WebSocket(`${base.replace('http', 'ws')}/v1/desk?event=${event}`, ['rollcall.v1.json'], {
      headers: { Authorization: `Bearer ${token}` },
    });
    await new Promise((ok, fail) => (ws.once('open', ok), ws.once('error', fail)));
    let n = 0;
    const queue = [];
    ws.on('message', (data) => queue.shift()?.(JSON.parse(data.toString())));
    return {
      scan(badge, { direction = 'in', zone: z = zone, scanId, deviceTime = new Date(), offlineVerdict } = {}) {
        const request = {
          ...(offlineVerdict ? { offline_verdict: offlineVerdict } : {}),
          scan_id: scanId || `${deskId}:${process.pid}:${Date.now()}:${n++}`,
          badge_id: badge,
          desk_id: deskId,
          zone: z,
          direction,
          device_time: deviceTime.toISOString(),
        };
        return new Promise((ok) => {
          queue.push(ok);
          ws.send(JSON.stringify(request));
        });
      },
      close: () => ws.close(),
    };
  }

  async page({ viewport = { width: 1920, height: 1080 }, ...options } = {}) {
    const context = await this.browser.newContext({ viewport, ...options });
    const page = await context.newPage();
    page.errors = [];
    page.on('pageerror', (e) => page.errors.push(e));
    return { context, page };
  }

  async screenshot(page, name, options = {}) {
    await mkdir(screenshotDir, { recursive: true });
    const file = join(screenshotDir, name);
    await page.screenshot({ path: file, ...options });
    return file;
  }

  async copyToDocs(file, name) {
    await copyFile(file, join(repo, 'docs', name));
  }

  async stop() {
    if (this.browser) await this.browser.close().catch(() => {});
    for (const child of [this.gateway, this.redis]) {
      if (child && child.exitCode === null && !child.signalCode) {
        child.kill('SIGTERM');
        await Promise.race([child.exited, sleep(3000)]);
        if (child.exitCode === null && !child.signalCode) child.kill('SIGKILL');
      }
    }
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}
