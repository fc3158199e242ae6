// `npm run bench`: measures cif-kpi-logger in headless Chromium against the floor and against peers, prints one
// table and writes bench/RESULTS.md. It reports; it never fails a build.
import { build } from 'esbuild';
import { rollup } from 'rollup';
import puppeteer from 'puppeteer-core';
import { startDevServer } from '@web/dev-server';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import os from 'node:os';
import { chromiumLaunchOptions } from '../scripts/chromium.mjs';
import { bundlePlugins, treeshake } from '../scripts/bundle-plugins.mjs';
import { consumerBundle } from '../scripts/consumer-bundle.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const CACHE = `${ROOT}node_modules/.cache/bench`;
// Capture only: long enough that a page's ratio is its code's steady cost, not which rounds a collection fell in
// (with 14 rounds of 2,000 events, a style's figure moved by up to 0.3x between runs of the same code).
const N = 5000;
const ROUNDS = 31;
/** Fresh pages each capture style is measured in. */
const CAPTURE_PAGES = 5;
const BURST = 10_000;
// End to end: fewer, longer rounds (each waits for its sends and storage writes).
const E2E_N = 10_000;
/**
 * Fresh pages each end-to-end style runs in (a page's ratio moved by up to 0.7x from its style's median: the median
 * of five pages is steadier than of three), and the most measured pairs of rounds in one page.
 */
const E2E_PAGES = 5;
const E2E_PAIRS = 3;
/** Most time the end-to-end rounds of one style may take, shared by its pages (each runs at least 2 pairs). */
const E2E_BUDGET = 75_000;
const SOAK = 50_000;
// Snowplow spends milliseconds per click (and more as its stored queue grows): peers get fewer, smaller rounds.
const PEER_N = 1000;
const PEER_ROUNDS = 6;
/** Most time one tool and setting may take (after 3 rounds), so that a slow machine still finishes the run. */
const PEER_BUDGET = 40_000;
const PORT = 8135;

const began = Date.now();
/** Says on stderr what runs now, and since when the run started. */
const progress = (what) => process.stderr.write(`[${((Date.now() - began) / 1000).toFixed(0)} s] ${what}`);

const sizeOf = (file) => {
  const bytes = readFileSync(file);
  return { min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, brotli: brotliCompressSync(bytes).length };
};

async function bundleFloor(name) {
  const bundle = await rollup({ input: `${ROOT}bench/${name}.ts`, plugins: bundlePlugins(), treeshake });
  const file = `${CACHE}/${name}.js`;
  await bundle.write({ file, format: 'es' });
  await bundle.close();
  return sizeOf(file);
}

async function bundlePeer(name) {
  const file = `${CACHE}/${name}.js`;
  await build({
    entryPoints: [`${ROOT}bench/peers/${name}.js`],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2020',
    outfile: file,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  return sizeOf(file);
}

/**
 * What an app's bundler makes of `import 'cif-kpi-logger'` (see scripts/consumer-bundle.mjs), from the npm entry as
 * published: the `tsc` output, compiled here.
 */
async function bundleConsumer() {
  // Laid out as the package is, so that its `sideEffects` say what they say in an app.
  const npm = `${CACHE}/npm`;
  rmSync(npm, { recursive: true, force: true });
  mkdirSync(npm, { recursive: true });
  copyFileSync(`${ROOT}package.json`, `${npm}/package.json`);
  execFileSync(process.execPath, [
    `${ROOT}node_modules/typescript/bin/tsc`,
    '-p',
    `${ROOT}tsconfig.build.json`,
    '--outDir',
    `${npm}/dist`,
  ]);
  return consumerBundle(`${npm}/dist/index.js`);
}

mkdirSync(CACHE, { recursive: true });
const chunk = (name) => {
  const file = readdirSync(`${ROOT}dist/cdn`).find((f) => f.startsWith(`cif-kpi-logger-${name}-`) && f.endsWith('.js'));
  return sizeOf(`${ROOT}dist/cdn/${file}`);
};
const sizes = {
  ours: sizeOf(`${ROOT}dist/cdn/cif-kpi-logger.js`),
  classic: sizeOf(`${ROOT}dist/cdn/cif-kpi-logger.classic.js`),
  rules: chunk('kpi-rule'),
  inspector: chunk('debug-inspector'),
  lit: await bundleFloor('lit-floor'),
  reactive: await bundleFloor('reactive-element-floor'),
  appInsights: await bundlePeer('app-insights'),
  snowplow: await bundlePeer('snowplow'),
  consumer: await bundleConsumer(),
};

const server = await startDevServer({
  config: { rootDir: ROOT, port: PORT, nodeResolve: false, watch: false },
  readCliArgs: false,
  readFileConfig: false,
  logStartMessage: false,
});
const options = await chromiumLaunchOptions();
const browser = await puppeteer.launch({
  ...options,
  args: [...options.args, '--js-flags=--expose-gc', '--enable-precise-memory-info'],
  protocolTimeout: 200_000,
});
const version = await browser.version();

// A scenario that throws or hangs must not leave the browser and server running.
const guard = setTimeout(() => {
  console.error('benchmark timed out');
  process.exit(1);
}, 900_000);
guard.unref();
process.on('unhandledRejection', (error) => {
  console.error(error);
  process.exit(1);
});

async function inPage(fn, ...args) {
  progress(`${String(args[0])}…\n`);
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  try {
    await page.goto(`http://localhost:${PORT}/bench/page.html`);
    await page.waitForFunction('window.scenariosReady === true');
    return await page.evaluate(fn, ...args);
  } finally {
    await page.close();
  }
}

// Capture only: each style in several fresh pages, as a page's ratio moves with its JIT and collector more than a
// round's does; the figures are the medians over the pages, with the range of their ratios.
const capture = {};
const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];
for (const style of ['event', 'markup', 'rule']) {
  const pages = [];
  for (let p = 0; p < CAPTURE_PAGES; p++) {
    pages.push(await inPage((s, n, r) => window.scenarios.compare(s, n, r), style, N, ROUNDS));
  }
  const ratios = pages.map((page) => page.ratio);
  const bareRatios = pages.map((page) => page.bareRatio);
  capture[style] = {
    floor: median(pages.map((page) => page.floor)),
    bare: median(pages.map((page) => page.bare)),
    ours: median(pages.map((page) => page.ours)),
    ratio: median(ratios),
    low: Math.min(...ratios),
    high: Math.max(...ratios),
    bareRatio: median(bareRatios),
    bareLow: Math.min(...bareRatios),
    bareHigh: Math.max(...bareRatios),
  };
}
/**
 * End to end, per event: the page's main-thread CPU time (CDP `Performance.getMetrics`, `TaskDuration`) around each
 * round, the logger's including all it defers (sends, storage writes), against the floor's; rounds alternate. Each
 * style runs in several fresh pages (a page's ratio moves more between runs than a round's), each after a warm-up
 * pair of rounds and within its share of the time budget; a page's ratio is the median of its pairs' ratios, and
 * the style's is the median over the pages.
 */
async function endToEnd(style, n) {
  const floor = [];
  const ours = [];
  const pageRatios = [];
  for (let p = 0; p < E2E_PAGES; p++) {
    progress(`end to end ${style}, page ${p + 1} of ${E2E_PAGES}…\n`);
    const page = await browser.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
    try {
      await page.goto(`http://localhost:${PORT}/bench/page.html`);
      await page.waitForFunction('window.scenariosReady === true');
      await page.evaluate((s) => window.scenarios.e2eSetup(s), style);
      const cpu = async (which) => {
        const before = (await page.metrics()).TaskDuration;
        const count = await page.evaluate((w, k) => window.scenarios.e2eRound(w, k), which, n);
        if (count !== n) throw new Error(`${which} handled ${count} of ${n}`);
        return (((await page.metrics()).TaskDuration - before) * 1e6) / n;
      };
      const pairs = [];
      const until = Date.now() + E2E_BUDGET / E2E_PAGES;
      for (let r = 0; r <= E2E_PAIRS && (r < 3 || Date.now() < until); r++) {
        const f = await cpu('floor');
        const o = await cpu('ours');
        if (r === 0) continue; // the warm-up pair
        floor.push(f);
        ours.push(o);
        pairs.push(o / f);
      }
      pageRatios.push(median(pairs));
    } finally {
      await page.close();
    }
  }
  return {
    floor: median(floor),
    ours: median(ours),
    ratio: median(pageRatios),
    low: Math.min(...pageRatios),
    high: Math.max(...pageRatios),
    rounds: ours.length,
  };
}
const endToEndCost = {};
for (const style of ['event', 'markup', 'rule']) endToEndCost[style] = await endToEnd(style, E2E_N);
const burst = await inPage((n) => window.scenarios.burst(n), BURST);
const heap = await inPage((n) => window.scenarios.heap(n), BURST);
const ruleHeap = await inPage((n) => window.scenarios.heap(n, 'rule'), BURST);
const held = {};
for (const n of [1000, 10_000]) held[n] = await inPage((h) => window.scenarios.held(h), n);
const heldLarge = await inPage((h, d) => window.scenarios.held(h, d), 1000, 2000);
/** The same tab reloaded (sessionStorage is the tab's): 10,000 events held, then taken over by the next page. */
async function reloadScenario(n) {
  progress('restore…\n');
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  try {
    await page.goto(`http://localhost:${PORT}/bench/page.html`);
    await page.waitForFunction('window.scenariosReady === true');
    const stored = await page.evaluate((c) => window.scenarios.beforeReload(c), n);
    await page.reload();
    await page.waitForFunction('window.scenariosReady === true');
    return { stored, ...(await page.evaluate((c) => window.scenarios.afterReload(c), n)) };
  } finally {
    await page.close();
  }
}
const restore = await reloadScenario(10_000);
const saves = {};
for (const n of [1000, 10_000]) saves[n] = await inPage((h) => window.scenarios.save(h), n);
const soak = await inPage((n) => window.scenarios.soak(n), SOAK);
/**
 * Each tool like for like: the same clicks on the same tagged buttons, in pages of their own (the peers hear the
 * whole document), end to end (the tool's main-thread CPU from the clicks until its network has been quiet for
 * 1.2 s), rounds alternating with the same floor, with every tool's persistence on (their defaults) and off.
 * Stops after `PEER_BUDGET` ms per tool and setting (at least 2 measured rounds), saying how many rounds ran.
 */
async function likeForLike(tool, persist) {
  progress(`${tool}, persistence ${persist ? 'on' : 'off'}…\n`);
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  try {
    await page.goto(`http://localhost:${PORT}/bench/page.html`);
    await page.waitForFunction('window.scenariosReady === true');
    await page.evaluate((t, p) => window.scenarios.toolSetup(t, p), tool, persist);
    const cpu = async (which) => {
      const before = (await page.metrics()).TaskDuration;
      await page.evaluate((w, k) => window.scenarios.toolRound(w, k), which, PEER_N);
      return (((await page.metrics()).TaskDuration - before) * 1e6) / PEER_N;
    };
    const floor = [];
    const ours = [];
    const until = Date.now() + PEER_BUDGET;
    for (let r = 0; r < PEER_ROUNDS && (r < 3 || Date.now() < until); r++) {
      floor.push(await cpu('floor'));
      ours.push(await cpu('tool'));
    }
    const delivered = await page.evaluate(() => window.scenarios.toolDelivered());
    const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const pairs = floor.map((f, i) => ours[i] / f).slice(1);
    return {
      floor: median(floor.slice(1)),
      perClick: median(ours.slice(1)),
      ratio: median(pairs),
      rounds: ours.length - 1,
      clicks: ours.length * PEER_N,
      delivered,
    };
  } finally {
    await page.close();
  }
}
const TOOLS = ['cif-kpi-logger', 'app-insights', 'snowplow'];
const peers = {};
for (const persist of [true, false]) {
  for (const tool of TOOLS) peers[`${tool}:${persist ? 'on' : 'off'}`] = await likeForLike(tool, persist);
}
await browser.close();
await server.stop();

const us = (v) => `${v.toFixed(2)} µs`;
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
const x = (v) => `${v.toFixed(2)}×`;
const rows = [
  ['measure', 'cif-kpi-logger', 'reference', 'ratio', 'target'],
  ...Object.entries(capture).map(([style, c]) => [
    `capture per event, ${{ event: '`cif-kpi` event', markup: '`data-kpi` click', rule: '`<cif-kpi-rule>`' }[style]}`,
    us(c.ours),
    `${us(c.floor)} (listener keeping the fields); a listener doing nothing ${us(c.bare)}, ${x(c.bareRatio)} (${x(c.bareLow)}–${x(c.bareHigh)})`,
    `${x(c.ratio)} (${x(c.low)}–${x(c.high)})`,
    c.ratio <= 1.5 ? '≤ 1.5× — met' : '≤ 1.5× — missed',
  ]),
  ...Object.entries(endToEndCost).map(([style, c]) => [
    `end to end per event (CPU, default settings), ${{ event: '`cif-kpi` event', markup: '`data-kpi` click', rule: '`<cif-kpi-rule>`' }[style]}`,
    us(c.ours),
    `${us(c.floor)} (listener copying the fields)`,
    `${x(c.ratio)} (${x(c.low)}–${x(c.high)})`,
    c.ratio <= 2 ? '≤ 2× — met' : '≤ 2× — missed',
  ]),
  [
    `burst of ${BURST.toLocaleString('en')}: all delivered`,
    `${burst.deliveredMs.toFixed(0)} ms`,
    `dispatch alone ${burst.dispatchMs.toFixed(0)} ms`,
    '',
    '',
  ],
  [
    'burst: host calls',
    String(burst.calls),
    `${BURST.toLocaleString('en')} events`,
    x(BURST / burst.calls),
    BURST / burst.calls >= 10 ? '≥ 10× fewer — met' : '≥ 10× fewer — missed',
  ],
  [
    'burst (dispatched in tasks of 100): longest main-thread task',
    Number.isNaN(burst.longestTask)
      ? 'not observable'
      : burst.longTasks === 0
        ? 'none over 50 ms'
        : `${burst.longestTask.toFixed(0)} ms`,
    `${burst.longTasks} tasks over 50 ms (Long Tasks API, Chromium only; calibrated)`,
    '',
    burst.longestTask <= 50 ? '≤ 50 ms — met' : '≤ 50 ms — missed',
  ],
  ['heap per held event (host absent), `cif-kpi` event', `${heap.toFixed(0)} B`, '', '', ''],
  ['heap per held event (host absent), `<cif-kpi-rule>` with a custom column', `${ruleHeap.toFixed(0)} B`, '', '', ''],
  ...[1000, 10_000].map((n) => [
    `with ${n.toLocaleString('en')} held (host silent): capture per event`,
    us(held[n].perEvent),
    n === 10_000 ? `${us(held[1000].perEvent)} with 1,000 held` : '',
    n === 10_000 ? x(held[10_000].perEvent / held[1000].perEvent) : '',
    n === 10_000 ? (held[10_000].perEvent <= held[1000].perEvent * 1.5 ? 'flat — met' : 'flat — missed') : '',
  ]),
  ...[1000, 10_000].map((n) => [
    `with ${n.toLocaleString('en')} held: longest logger task (capture, saves, pagehide)`,
    Number.isNaN(held[n].longest)
      ? 'not observable'
      : held[n].longTasks === 0
        ? 'none over 50 ms'
        : `${held[n].longest.toFixed(0)} ms`,
    `pagehide save with nothing new: ${held[n].pagehide.toFixed(1)} ms`,
    '',
    held[n].longTasks === 0 ? '≤ 50 ms — met' : '≤ 50 ms — missed',
  ]),
  [
    'with 1,000 held of 2,000-character additionalData: longest logger task',
    Number.isNaN(heldLarge.longest)
      ? 'not observable'
      : heldLarge.longTasks === 0
        ? 'none over 50 ms'
        : `${heldLarge.longest.toFixed(0)} ms`,
    `capture per event ${us(heldLarge.perEvent)}`,
    '',
    heldLarge.longTasks === 0 ? '≤ 50 ms — met' : '≤ 50 ms — missed',
  ],
  [
    `restore of ${restore.restored.toLocaleString('en')} events after a reload: longest task`,
    Number.isNaN(restore.longest)
      ? 'not observable'
      : restore.longTasks === 0
        ? 'none over 50 ms'
        : `${restore.longest.toFixed(0)} ms`,
    `all taken over in ${restore.ms.toFixed(0)} ms (${restore.stored.toLocaleString('en')} characters stored before)`,
    '',
    restore.longTasks === 0 ? '≤ 50 ms — met' : '≤ 50 ms — missed',
  ],
  ...[1000, 10_000].map((n) => [
    `save of ${n.toLocaleString('en')} held events never written (pagehide)`,
    `${saves[n].ms.toFixed(1)} ms`,
    `${saves[n].characters.toLocaleString('en')} characters stored`,
    '',
    '',
  ]),
  [
    `soak: ${SOAK.toLocaleString('en')} events, host always rejecting (retry-delay 20, max-retries 2)`,
    `${soak.seconds.toFixed(0)} s`,
    `heap +${soak.heapMB.toFixed(1)} MB at most; ${soak.storedCharacters.toLocaleString('en')} characters stored at most; failed ${soak.stats.failed}, dropped ${soak.stats.dropped}`,
    '',
    Number.isNaN(soak.longest)
      ? 'long tasks not observable'
      : soak.longest <= 50
        ? 'no task over 50 ms — met'
        : `longest task ${soak.longest.toFixed(0)} ms — missed`,
  ],
  [
    'bundle, gzip (brotli; minified)',
    `${kb(sizes.ours.gzip)} (${kb(sizes.ours.brotli)}; ${kb(sizes.ours.min)}); loaded on demand: rules +${kb(sizes.rules.gzip)}, inspector +${kb(sizes.inspector.gzip)}`,
    `Lit floor ${kb(sizes.lit.gzip)} (${kb(sizes.lit.min)}); ReactiveElement floor ${kb(sizes.reactive.gzip)}`,
    '',
    sizes.ours.gzip <= 12 * 1024 ? '≤ 12 KB — met' : '≤ 12 KB — missed',
  ],
  [
    'classic script bundle (every part included), gzip (brotli; minified)',
    `${kb(sizes.classic.gzip)} (${kb(sizes.classic.brotli)}; ${kb(sizes.classic.min)})`,
    '',
    '',
    '',
  ],
  [
    "`import 'cif-kpi-logger'` in an app (esbuild, minified, dynamic imports split), gzip (brotli; minified)",
    `${kb(sizes.consumer.start.gzip)} (${kb(sizes.consumer.start.brotli)}; ${kb(sizes.consumer.start.min)}) at start, in ${sizes.consumer.start.files} files; ${sizes.consumer.later.files} more on demand`,
    `the script-tag ES module ${kb(sizes.ours.gzip)}`,
    '',
    '',
  ],
  ...['on', 'off'].flatMap((setting) =>
    ['app-insights', 'snowplow'].map((name) => {
      const size = name === 'app-insights' ? sizes.appInsights : sizes.snowplow;
      const label =
        name === 'app-insights' ? 'Application Insights + click analytics' : 'Snowplow + button-click tracking';
      const o = peers[`cif-kpi-logger:${setting}`];
      const p = peers[`${name}:${setting}`];
      return [
        `like for like, persistence ${setting}: ${label}, end to end per click / gzip`,
        `${us(o.perClick)} (${x(o.ratio)} its floor) / ${kb(sizes.ours.gzip)}`,
        `${us(p.perClick)} (${x(p.ratio)} its floor) / ${kb(size.gzip)}`,
        `${x(o.perClick / p.perClick)} / ${x(sizes.ours.gzip / size.gzip)}`,
        o.perClick < p.perClick && sizes.ours.gzip < size.gzip ? 'cheaper and smaller — met' : 'missed',
      ];
    }),
  ),
];

const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
const table = [line(rows[0]), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.slice(1).map(line)].join(
  '\n',
);
console.log(table);
const date = new Date().toISOString().slice(0, 10);
writeFileSync(
  `${ROOT}bench/RESULTS.md`,
  `# Benchmark results\n\n${date}, ${version}, ${process.platform} ${process.arch}, Node ${process.version}, ` +
    `${os.cpus().length} cores; the run took ${((Date.now() - began) / 60_000).toFixed(1)} min. ` +
    `Capture: ${ROUNDS - 1} rounds of ${N} events after one warm-up round, each round including the microtasks ` +
    `it queued, alternating with the same rounds into two copies of the DOM, one heard by a capture listener that ` +
    `keeps the same fields in an array (the floor, as end to end; it keeps them all, as the logger keeps its queue ` +
    `here) and one by a listener that does nothing (the second ratio); a page's ratio is the ` +
    `median of its rounds' ratios, and each style runs in ${CAPTURE_PAGES} fresh pages: the figures are the ` +
    `medians over the pages, with the lowest and highest page's ratio in brackets (capture only: the logger with ` +
    `flush-delay, max-batch and the bounds lifted, so nothing is sent or stored during a round). End to end: in ${E2E_PAGES} fresh pages per style, up to ` +
    `${E2E_PAIRS} pairs of rounds of ${E2E_N} events each after a warm-up pair, a page stopping after its share of ` +
    `${E2E_BUDGET / 1000} s per style (at least 2 pairs; pairs run in all: ${Object.values(endToEndCost)
      .map((c) => c.rounds)
      .join(
        ', ',
      )}), dispatched in tasks of 100, the logger with default settings (batching, persistence on) and a host ` +
    `answering in ~5 ms, each round waiting until every event was sent and 1.2 s more for the storage writes; the ` +
    `page's main-thread CPU time (CDP Performance metrics, TaskDuration) per event, against a capture listener that ` +
    `copies the same fields into an array and idles alike; the click rounds dispatch a click alone, which is all ` +
    `either hears; the host is a bare one answering in ~5 ms. Like for like: each tool (cif-kpi-logger with default ` +
    `settings and a host answering in ~5 ms; Application Insights 3 with click analytics and Snowplow 4 with ` +
    `button-click tracking, each with its defaults and a network answering 200 in ~5 ms) in a page of its own, ` +
    `hearing the same ${PEER_N} clicks a round (mousedown, mouseup, click, in tasks of 100) on the same tagged ` +
    `buttons; each round lasts until the tool's network has been quiet for 1.2 s (Application Insights, which ` +
    `sends every 15 s by default, is asked to flush after the clicks), and alternates with a floor round (a ` +
    `listener copying the same fields, in a frame of its own, idling 1.22 s); CPU as above. Persistence on is each ` +
    `tool's default (cif-kpi-logger: sessionStorage; Application Insights: its sessionStorage send buffer; ` +
    `Snowplow: its localStorage queue and cookies), off is \`no-persist\`, \`enableSessionStorageBuffer: false\` ` +
    `and \`stateStorageStrategy: 'none'\`. A hundred clicks a task is a burst, not a person's pace: the peers ` +
    `rewrite their stored queue on every event, so what they pay grows with the queue they hold and is less at a ` +
    `person's pace. Up to ${PEER_ROUNDS - 1} rounds after a warm-up, stopping after ` +
    `${PEER_BUDGET / 1000} s per tool and setting (at least 2 rounds) so that a slow machine cannot make the run time ` +
    `out. Rounds run and clicks delivered by the end: ${Object.entries(peers)
      .map(([name, p]) => `${name} ${p.rounds} (${p.delivered} of ${p.clicks})`)
      .join(', ')}.\n\n${table}\n`,
);
console.log(`\nwritten to bench/RESULTS.md (${version})`);
