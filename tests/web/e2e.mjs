// End-to-end test of the web build: serves nothing itself — pass the address of the built
// site (served on 127.0.0.1) — and drives it in Debian's headless Chromium through
// playwright-core. Checks that the canvas shows a real figure, that a key press changes it, that
// the 3D key shows the landscape, that a shared link opens its scene and that a broken link falls
// back to the default scene, and that the map window's PNG and CSV arrive as downloads.
// Usage: node tests/web/e2e.mjs http://127.0.0.1:PORT/ [screenshot-dir]
import { chromium } from 'playwright-core';
import { inflateSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const site = process.argv[2];
const shots = process.argv[3];
if (!site) { console.error('usage: e2e.mjs SITE_URL [SCREENSHOT_DIR]'); process.exit(2); }
if (shots) mkdirSync(shots, { recursive: true });

// A minimal PNG decoder (8-bit RGB/RGBA, not interlaced): enough for Chromium's screenshots.
function decodePng(buf) {
  let pos = 8, width = 0, height = 0, channels = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos), type = buf.toString('ascii', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0); height = data.readUInt32BE(4);
      channels = { 2: 3, 6: 4 }[data[9]];
      if (data[8] !== 8 || !channels || data[12] !== 0) throw new Error('unsupported PNG');
    } else if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels, out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)], line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[y * stride + x - channels] : 0;
      const b = y > 0 ? out[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? out[(y - 1) * stride + x - channels] : 0;
      let v = line[x];
      if (f === 1) v += a; else if (f === 2) v += b; else if (f === 3) v += (a + b) >> 1;
      else if (f === 4) { const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c; }
      out[y * stride + x] = v & 255;
    }
  }
  return { width, height, channels, pixels: out };
}

function stats(png) {
  const colours = new Set();
  let sum = 0;
  for (let i = 0; i < png.pixels.length; i += png.channels * 7) {
    const r = png.pixels[i], g = png.pixels[i + 1], b = png.pixels[i + 2];
    colours.add((r << 16) | (g << 8) | b); sum += r + g + b;
  }
  return { colours: colours.size };
}

function difference(a, b) {
  let changed = 0;
  for (let i = 0; i < a.pixels.length; i += a.channels) {
    if (Math.abs(a.pixels[i] - b.pixels[i]) + Math.abs(a.pixels[i + 1] - b.pixels[i + 1]) + Math.abs(a.pixels[i + 2] - b.pixels[i + 2]) > 30) changed++;
  }
  return changed / (a.width * a.height);
}

const failures = [];
let passed = 0;
async function check(name, fn) {
  try { await fn(); passed++; console.log(`ok - ${name}`); }
  catch (e) { failures.push(name); console.log(`not ok - ${name}: ${e.message}`); }
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
    '--disable-quic'],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));

async function settle() {
  await page.waitForFunction(() => !document.getElementById('loading'), null, { timeout: 60000 });
  await page.waitForTimeout(2500);
}
// a click as a person makes it: press and release in different frames
// (software GL makes frames slow: hold the press long enough to span several of them)
async function slowClick(x, y, on = page) {
  await on.mouse.move(x, y);
  await on.waitForTimeout(400);
  await on.mouse.down();
  await on.waitForTimeout(400);
  await on.mouse.up();
}
async function shot(name) {
  const buf = await page.screenshot();
  if (shots) writeFileSync(`${shots}/${name}.png`, buf);
  return decodePng(buf);
}

let first;
await check('the page renders a real figure', async () => {
  const t0 = Date.now();
  await page.goto(site, { waitUntil: 'load' });
  await page.waitForFunction(() => !document.getElementById('loading'), null, { timeout: 60000 });
  console.log(`# time to first frame: ${Date.now() - t0} ms (page load, wasm compile, first paint)`);
  const wasm = await page.evaluate(() => performance.getEntriesByType('resource')
    .filter((r) => r.name.endsWith('.wasm') || r.name.endsWith('.js'))
    .map((r) => `${r.name.split('/').pop()}: ${r.transferSize || r.encodedBodySize} bytes`));
  console.log(`# downloaded: ${wasm.join(', ')}`);
  await settle();
  first = await shot('default');
  const s = stats(first);
  assert(s.colours > 300, `only ${s.colours} colours: blank or not drawn`);
  assert((await page.title()).includes('Rosenbrock race'), `title: ${await page.title()}`);
});

await check('a key press changes the figure', async () => {
  await page.mouse.click(700, 430);  // focus the canvas (this also moves the start point)
  await page.waitForTimeout(500);
  const before = await shot('before-key');
  await page.keyboard.press('g');    // grid layout: one panel per optimizer
  await page.waitForTimeout(1500);
  const after = await shot('after-key');
  const d = difference(before, after);
  assert(d > 0.05, `only ${(d * 100).toFixed(1)}% of the pixels changed`);
});

await check('the 3D key shows the landscape in 3D', async () => {
  await page.keyboard.press('g');    // back to one plot
  await page.waitForTimeout(1000);
  const flat = await shot('before-3d');
  await page.keyboard.press('3');    // the 3D view: the surface as a mesh, seen at an angle
  await page.waitForTimeout(1500);
  const relief = await shot('after-3d');
  const d = difference(flat, relief);
  assert(d > 0.2, `only ${(d * 100).toFixed(1)}% of the pixels changed`);
  assert(stats(relief).colours > 300, 'the 3D view is drawn');
  await page.keyboard.press('2');
  await page.waitForTimeout(500);
});

await check('a shared link opens its scene', async () => {
  const link = execFileSync(process.env.LOSSCAPE || 'target/debug/losscape', ['link', '--scene', 'builtin:saddle-escape', '--base', site]).toString().trim();
  await page.goto('about:blank');
  await page.goto(link, { waitUntil: 'load' });
  await settle();
  const title = await page.title();
  assert(title.includes('saddle'), `title: ${title}`);
  const s = stats(await shot('shared-link'));
  assert(s.colours > 300, `only ${s.colours} colours`);
});

await check('a broken link opens the default scene with a message', async () => {
  await page.goto('about:blank');
  await page.goto(`${site}#scene=AAAAthisisnotascene`, { waitUntil: 'load' });
  await settle();
  const title = await page.title();
  assert(title.includes('Rosenbrock race'), `title: ${title}`);
  const s = stats(await shot('broken-link'));
  assert(s.colours > 300, 'the page is not blank');
});

await check('Ctrl+S saves the scene as a download', async () => {
  await page.mouse.click(700, 600);
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 15000 }),
    page.keyboard.press('Control+s'),
  ]);
  const path = await download.path();
  const text = (await import('node:fs')).readFileSync(path, 'utf8');
  assert(download.suggestedFilename().endsWith('.toml'), download.suggestedFilename());
  assert(text.includes('[surface]') && text.includes('[[optimizer]]'), text.slice(0, 200));
});

await check('File > Open scene opens a file through the file picker', async () => {
  const scene = execFileSync(process.env.LOSSCAPE || 'target/debug/losscape', ['link', '--scene', 'builtin:plateau']).toString();
  assert(scene.includes('#scene='), 'link printed');
  const toml = 'name = "Uploaded plateau"\nsteps = 50\n[surface]\nkind = "plateau"\n[[optimizer]]\nkind = "adam"\nlr = 0.1\n';
  // through the File menu (Chromium keeps Ctrl+O for itself); after a click the page has user
  // activation, so rfd opens the browser's file chooser at once
  const file = { name: 'uploaded.toml', mimeType: 'text/plain', buffer: Buffer.from(toml) };
  // a first-time visitor: a fresh browser context, no remembered scene or layout (and the other
  // page idle, so the software renderer serves one page at a time)
  await page.goto('about:blank');
  const visitor = await browser.newContext({ viewport: { width: 1400, height: 860 } });
  const fresh = await visitor.newPage();
  fresh.on('pageerror', (e) => errors.push(String(e)));
  await fresh.goto(site, { waitUntil: 'load' });
  await fresh.waitForFunction(() => !document.getElementById('loading'), null, { timeout: 60000 });
  await fresh.waitForTimeout(2500);
  let chooser = null;
  for (let attempt = 0; attempt < 3 && !chooser; attempt++) {
    await slowClick(18, 12, fresh);
    await fresh.waitForTimeout(500);
    [chooser] = await Promise.all([
      fresh.waitForEvent('filechooser', { timeout: 5000 }).catch(() => null),
      slowClick(56, 40, fresh),
    ]);
  }
  assert(chooser, 'File > Open scene... never opened the file chooser');
  await chooser.setFiles(file);
  await fresh.waitForFunction(() => document.title.includes('Uploaded plateau'), null, { timeout: 15000 });
  await visitor.close();
});

await check('the map window saves its PNG and CSV as downloads', async () => {
  // a fresh visitor at 1280 × 720 (the default scene, the window where the map is placed)
  const visitor = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const map = await visitor.newPage();
  map.on('pageerror', (e) => errors.push(String(e)));
  await map.goto(site, { waitUntil: 'load' });
  await map.waitForFunction(() => !document.getElementById('loading'), null, { timeout: 60000 });
  await map.waitForTimeout(2500);
  await slowClick(640, 300, map);        // the plot takes the keyboard (and the start moves)
  await map.waitForTimeout(1000);
  const before = decodePng(await map.screenshot());
  await map.keyboard.press('m');         // Map of many runs (View menu)
  await map.waitForTimeout(8000);        // a slice a frame: the whole map
  const mapShot = decodePng(await map.screenshot());
  if (shots) writeFileSync(`${shots}/map.png`, await map.screenshot());
  // the window covers most of the page: the plot's colours alone would pass a colour count
  assert(difference(before, mapShot) > 0.3, `the map window is drawn (${difference(before, mapShot).toFixed(2)} of the page changed)`);
  for (const [ext, x, magic] of [['png', 58, '\x89PNG'], ['csv', 135, 'column,row,x,y,outcome']]) {
    const [download] = await Promise.all([
      map.waitForEvent('download', { timeout: 60000 }),
      slowClick(x, 487, map),            // Save PNG, Save CSV
    ]);
    const name = download.suggestedFilename();
    const bytes = (await import('node:fs')).readFileSync(await download.path());
    assert(name.endsWith(`.${ext}`) && name.includes('basin-map'), name);
    assert(bytes.subarray(0, magic.length).toString('latin1') === magic, `${name} starts ${bytes.subarray(0, 24)}`);
    await map.waitForTimeout(1000);
  }
  await visitor.close();
});

await check('no uncaught errors in the page', async () => {
  assert(errors.length === 0, errors.join('; '));
});

await browser.close();
console.log(`${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
