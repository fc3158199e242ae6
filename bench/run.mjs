// `npm run bench`: measures cif-kpi-logger in headless Chromium against the floor and against peers, prints one
// table and writes bench/RESULTS.md. It reports; it never fails a build.
import { build } from 'esbuild';
import { rollup } from 'rollup';
import puppeteer from 'puppeteer-core';
import { startDevServer } from '@web/dev-server';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { chromiumLaunchOptions } from '../scripts/chromium.mjs';
import { bundlePlugins, treeshake } from '../scripts/bundle-plugins.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const CACHE = `${ROOT}node_modules/.cache/bench`;
const N = 2000;
const ROUNDS = 15;
const BURST = 10_000;
// End to end: fewer, longer rounds (each waits for its sends and storage writes).
const E2E_N = 2000;
const E2E_ROUNDS = 6;
const SOAK = 50_000;
// Snowplow spends milliseconds per click (and more as its stored queue grows): peers get fewer, smaller rounds.
const PEER_N = 500;
const PEER_ROUNDS = 5;
const PORT = 8135;

const sizeOf = (file) => {
  const bytes = readFileSync(file);
  return { min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
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

mkdirSync(CACHE, { recursive: true });
const chunk = (name) => {
  const file = readdirSync(`${ROOT}dist/cdn`).find((f) => f.startsWith(`cif-kpi-logger-${name}-`) && f.endsWith('.js'));
  return sizeOf(`${ROOT}dist/cdn/${file}`);
};
const sizes = {
  ours: sizeOf(`${ROOT}dist/cdn/cif-kpi-logger.js`),
  rules: chunk('kpi-rule'),
  inspector: chunk('debug-inspector'),
  lit: await bundleFloor('lit-floor'),
  reactive: await bundleFloor('reactive-element-floor'),
  appInsights: await bundlePeer('app-insights'),
  snowplow: await bundlePeer('snowplow'),
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
  process.stderr.write(`running ${String(args[0])}…\n`);
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

const capture = {};
for (const style of ['event', 'markup', 'rule']) {
  capture[style] = await inPage((s, n, r) => window.scenarios.compare(s, n, r), style, N, ROUNDS);
}
/**
 * End to end, per event: the page's main-thread CPU time (CDP `Performance.getMetrics`, `TaskDuration`) around each
 * round, the logger's including all it defers (sends, storage writes), against the floor's; rounds alternate.
 */
async function endToEnd(style, n, rounds) {
  process.stderr.write(`running end to end ${style}…\n`);
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
    const floor = [];
    const ours = [];
    for (let r = 0; r < rounds; r++) {
      floor.push(await cpu('floor'));
      ours.push(await cpu('ours'));
    }
    const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const pairs = floor.map((f, i) => ours[i] / f).slice(1);
    return { floor: median(floor.slice(1)), ours: median(ours.slice(1)), ratio: median(pairs) };
  } finally {
    await page.close();
  }
}
const endToEndCost = {};
for (const style of ['event', 'markup', 'rule']) endToEndCost[style] = await endToEnd(style, E2E_N, E2E_ROUNDS);
const burst = await inPage((n) => window.scenarios.burst(n), BURST);
const heap = await inPage((n) => window.scenarios.heap(n), BURST);
const held = {};
for (const n of [1000, 10_000]) held[n] = await inPage((h) => window.scenarios.held(h), n);
const heldLarge = await inPage((h, d) => window.scenarios.held(h, d), 1000, 2000);
/** The same tab reloaded (sessionStorage is the tab's): 10,000 events held, then taken over by the next page. */
async function reloadScenario(n) {
  process.stderr.write('running restore…\n');
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
const peers = {};
for (const name of ['app-insights', 'snowplow']) {
  peers[name] = await inPage((p, n, r) => window.scenarios.peer(p, n, r), name, PEER_N, PEER_ROUNDS);
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
    `${us(c.floor)} (bare listener)`,
    x(c.ratio),
    c.ratio <= 2 ? '≤ 2× — met' : '≤ 2× — missed',
  ]),
  ...Object.entries(endToEndCost).map(([style, c]) => [
    `end to end per event (CPU, default settings), ${{ event: '`cif-kpi` event', markup: '`data-kpi` click', rule: '`<cif-kpi-rule>`' }[style]}`,
    us(c.ours),
    `${us(c.floor)} (listener copying the fields)`,
    x(c.ratio),
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
  ['heap per held event (host absent)', `${heap.toFixed(0)} B`, '', '', ''],
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
    'bundle, gzip (minified)',
    `${kb(sizes.ours.gzip)} (${kb(sizes.ours.min)}); loaded on demand: rules +${kb(sizes.rules.gzip)}, inspector +${kb(sizes.inspector.gzip)}`,
    `Lit floor ${kb(sizes.lit.gzip)} (${kb(sizes.lit.min)}); ReactiveElement floor ${kb(sizes.reactive.gzip)}`,
    '',
    sizes.ours.gzip <= 11 * 1024 ? '≤ 11 KB — met' : '≤ 11 KB — missed',
  ],
  ...Object.entries(peers).map(([name, p]) => {
    const size = name === 'app-insights' ? sizes.appInsights : sizes.snowplow;
    const label =
      name === 'app-insights' ? 'Application Insights + click analytics' : 'Snowplow + button-click tracking';
    return [
      `peer: ${label}, per click / gzip`,
      `${us(capture.markup.ours)} / ${kb(sizes.ours.gzip)}`,
      `${us(p.perClick)} / ${kb(size.gzip)}`,
      `${x(capture.markup.ours / p.perClick)} / ${x(sizes.ours.gzip / size.gzip)}`,
      capture.markup.ours < p.perClick && sizes.ours.gzip < size.gzip ? 'cheaper and smaller — met' : 'missed',
    ];
  }),
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
  `# Benchmark results\n\n${date}, ${version}, ${process.platform} ${process.arch}, Node ${process.version}. ` +
    `Capture: ${ROUNDS - 1} rounds of ${N} events after one warm-up round, each round including the microtasks ` +
    `it queued, alternating with the same rounds into a copy of the DOM with a bare listener; the ratio is the ` +
    `median of the paired rounds' ratios (capture only: the logger with flush-delay, max-batch and the bounds lifted, ` +
    `so nothing is sent or stored during a round). End to end: ${E2E_ROUNDS - 1} rounds of ${E2E_N} events after a ` +
    `warm-up, dispatched in tasks of 100, the logger with default settings (batching, persistence on) and a host ` +
    `answering in ~5 ms, each round waiting until every event was sent and 1.2 s more for the storage writes; the ` +
    `page's main-thread CPU time (CDP Performance metrics, TaskDuration) per event, against a capture listener that ` +
    `copies the same fields into an array and idles alike; the click rounds dispatch a click alone, which is all ` +
    `either hears; the host is a bare one answering in ~5 ms. Peers: up to ${PEER_ROUNDS - 1} rounds of ${PEER_N} ` +
    `clicks after a warm-up, stopping after 60 s (at least 2 measured rounds) so that a slow machine cannot make the ` +
    `run time out; rounds run: ${Object.values(peers)
      .map((p) => p.rounds - 1)
      .join(' and ')}. Peers tracked ${Object.values(peers)
      .map((p) => p.tracked)
      .join(' and ')} clicks (Application Insights, Snowplow).\n\n${table}\n`,
);
console.log(`\nwritten to bench/RESULTS.md (${version})`);
