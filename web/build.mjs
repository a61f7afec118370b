// Builds the pages into dist/: one bundle (JS + CSS) per page, the HTML files, and the desk's
// service worker with the list of files it precaches (versioned by their content).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, 'src');
const dist = join(here, 'dist');
const pages = ['wall', 'dashboard', 'desk', 'venue'];

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

await build({
  entryPoints: pages.map((p) => join(src, p + '.js')),
  outdir: dist,
  bundle: true,
  format: 'esm',
  target: ['chrome110', 'firefox115', 'safari16'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  loader: { '.json': 'json' },
});

// index.html: the plain live page; beacon.html: a participant's presence (self-contained, no bundle).
for (const page of ['index', 'beacon', ...pages]) await copyFile(join(src, page + '.html'), join(dist, page + '.html'));
await copyFile(join(src, 'icon.svg'), join(dist, 'icon.svg'));

// The desk kiosk must reload while offline: the service worker precaches the desk and its files.
const precache = ['/desk', '/desk.js', '/desk.css', '/icon.svg'];
const hash = createHash('sha256');
for (const file of ['desk.html', 'desk.js', 'desk.css', 'icon.svg']) hash.update(await readFile(join(dist, file)));
const sw = (await readFile(join(src, 'sw.js'), 'utf8'))
  .replace('__VERSION__', hash.digest('hex').slice(0, 16))
  .replace('__PRECACHE__', JSON.stringify(precache));
await writeFile(join(dist, 'sw.js'), sw);
await writeFile(join(dist, '.stamp'), new Date().toISOString() + '\n');

const files = (await readdir(dist)).filter((f) => !f.startsWith('.'));
console.log(`web: built ${files.length} files into ${dist}`);
