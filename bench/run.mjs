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
/** Fresh pages each end-to-end style runs in, and the most measured sets of rounds in one page. */
const E2E_PAGES = 3;
const E2E_SETS = 3;
/** Most time the end-to-end rounds of one style may take, shared by its pages (each runs at least 2 sets). */
const E2E_BUDGET = 90_000;
const SOAK = 50_000;
/** Events held for the heap figures: within the default byte bound for a rule's events with a custom column. */
const HEAP_N = 5000;
/** Events already held when the capture cost is measured again. */
const HELD = [0, 1000, 10_000];
// Snowplow spends milliseconds per click (and more as its stored queue grows): peers get fewer, smaller rounds.
const PEER_N = 1000;
const PEER_ROUNDS = 5;
/** A person's pace: clicks per round, and the milliseconds between two. */
const PACED_N = 60;
const PACE = 50;
const PACED_ROUNDS = 4;
/** Most time one tool and setting may take (after 3 rounds), so that a slow machine still finishes the run. */
const PEER_BUDGET = 30_000;
/** Full runs, each in a fresh browser: `npm run bench -- --runs 1` for a quick look; targets need three. */
const RUNS = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;
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
  config: {
    rootDir: ROOT,
    port: PORT,
    nodeResolve: false,
    watch: false,
    // Cross-origin isolated, so that `performance.now()` has Chromium's fine clock (5 µs, not 100 µs).
    middleware: [
      (context, next) => {
        context.set('Cross-Origin-Opener-Policy', 'same-origin');
        context.set('Cross-Origin-Embedder-Policy', 'require-corp');
        return next();
      },
    ],
  },
  readCliArgs: false,
  readFileConfig: false,
  logStartMessage: false,
});
const options = await chromiumLaunchOptions();
let browser;
process.on('unhandledRejection', (error) => {
  console.error(error);
  process.exit(1);
});

const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];

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

/**
 * Capture only: each style in several fresh pages, as a page's ratio moves with its JIT and collector more than a
 * round's does; the figures are the medians over the pages.
 */
async function captureOnly(style) {
  const pages = [];
  for (let p = 0; p < CAPTURE_PAGES; p++) {
    pages.push(await inPage((s, n, r) => window.scenarios.compare(s, n, r), style, N, ROUNDS));
  }
  const of = (key) => median(pages.map((page) => page[key]));
  return { floor: of('floor'), bare: of('bare'), ours: of('ours'), ratio: of('ratio'), bareRatio: of('bareRatio') };
}

/** The end-to-end arms (bench/scenarios.js): the logger, the hand-written CIF logger, the two listeners. */
const ARMS = ['ours', 'handWritten', 'copy', 'bare'];
/**
 * End to end, per event: the page's main-thread CPU time (CDP `Performance.getMetrics`, `TaskDuration`) around each
 * round, the logger's including all it defers (sends, storage writes). A set is one round of each arm, their order
 * rotated from set to set, so that no arm always runs after the same one. Each style runs in several fresh pages,
 * each after a warm-up set and within its share of the time budget; a page's ratios are the medians of its sets'
 * ratios, and the style's the medians over the pages.
 */
async function endToEnd(style, n) {
  const perEvent = Object.fromEntries(ARMS.map((arm) => [arm, []]));
  const ratios = { hand: [], copy: [], bare: [], handCopy: [] };
  let sets = 0;
  for (let p = 0; p < E2E_PAGES; p++) {
    progress(`end to end ${style}, page ${p + 1} of ${E2E_PAGES}…\n`);
    const page = await browser.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
    try {
      await page.goto(`http://localhost:${PORT}/bench/page.html`);
      await page.waitForFunction('window.scenariosReady === true');
      await page.evaluate((s) => window.scenarios.e2eSetup(s), style);
      const cpu = async (arm) => {
        const before = (await page.metrics()).TaskDuration;
        const count = await page.evaluate((w, k) => window.scenarios.e2eRound(w, k), arm, n);
        if (count !== n) throw new Error(`${arm} handled ${count} of ${n}`);
        return (((await page.metrics()).TaskDuration - before) * 1e6) / n;
      };
      const pageRatios = { hand: [], copy: [], bare: [], handCopy: [] };
      const until = Date.now() + E2E_BUDGET / E2E_PAGES;
      for (let r = 0; r <= E2E_SETS && (r < 3 || Date.now() < until); r++) {
        const set = {};
        for (let i = 0; i < ARMS.length; i++) {
          const arm = ARMS[(r + i) % ARMS.length];
          set[arm] = await cpu(arm);
        }
        if (r === 0) continue; // the warm-up set
        sets++;
        for (const arm of ARMS) perEvent[arm].push(set[arm]);
        pageRatios.hand.push(set.ours / set.handWritten);
        pageRatios.copy.push(set.ours / set.copy);
        pageRatios.bare.push(set.ours / set.bare);
        pageRatios.handCopy.push(set.handWritten / set.copy);
      }
      for (const key of Object.keys(ratios)) ratios[key].push(median(pageRatios[key]));
    } finally {
      await page.close();
    }
  }
  return {
    ...Object.fromEntries(ARMS.map((arm) => [arm, median(perEvent[arm])])),
    ...Object.fromEntries(Object.entries(ratios).map(([key, values]) => [`${key}Ratio`, median(values)])),
    sets,
  };
}

/** The same tab reloaded (sessionStorage is the tab's): `n` events held, then taken over by the next page. */
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

/**
 * Each tool like for like: the same clicks on the same tagged buttons, in pages of their own (the peers hear the
 * whole document), end to end (the tool's main-thread CPU from the clicks until its network has been quiet for
 * 1.2 s), rounds alternating with the same floor, which goes first in every other pair; in bursts (tasks of 100)
 * with every tool's persistence on (their defaults) and off, and at a person's pace with the defaults. Stops after
 * `PEER_BUDGET` ms per tool and setting (at least 2 measured rounds), saying how many rounds ran.
 */
async function likeForLike(tool, persist, pace) {
  progress(`${tool}, persistence ${persist ? 'on' : 'off'}${pace ? ', a person’s pace' : ''}…\n`);
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  try {
    await page.goto(`http://localhost:${PORT}/bench/page.html`);
    await page.waitForFunction('window.scenariosReady === true');
    await page.evaluate((t, p) => window.scenarios.toolSetup(t, p), tool, persist);
    const clicks = pace ? PACED_N : PEER_N;
    const cpu = async (which) => {
      const before = (await page.metrics()).TaskDuration;
      await page.evaluate((w, k, p) => window.scenarios.toolRound(w, k, p), which, clicks, pace);
      return (((await page.metrics()).TaskDuration - before) * 1e6) / clicks;
    };
    const floor = [];
    const ours = [];
    const rounds = pace ? PACED_ROUNDS : PEER_ROUNDS;
    const until = Date.now() + PEER_BUDGET;
    for (let r = 0; r < rounds && (r < 3 || Date.now() < until); r++) {
      if (r % 2 === 0) {
        floor.push(await cpu('floor'));
        ours.push(await cpu('tool'));
      } else {
        ours.push(await cpu('tool'));
        floor.push(await cpu('floor'));
      }
    }
    const delivered = await page.evaluate(() => window.scenarios.toolDelivered());
    const pairs = floor.map((f, i) => ours[i] / f).slice(1);
    return {
      floor: median(floor.slice(1)),
      perClick: median(ours.slice(1)),
      ratio: median(pairs),
      rounds: ours.length - 1,
      clicks: ours.length * clicks,
      delivered,
    };
  } finally {
    await page.close();
  }
}

const TOOLS = ['cif-kpi-logger', 'app-insights', 'snowplow'];
const STYLES = ['event', 'markup', 'rule'];

/** One full run in a fresh browser: every figure of the table. */
async function measure() {
  browser = await puppeteer.launch({
    ...options,
    args: [...options.args, '--js-flags=--expose-gc', '--enable-precise-memory-info'],
    protocolTimeout: 200_000,
  });
  // A scenario that throws or hangs must not leave the browser and server running.
  const guard = setTimeout(() => {
    console.error('benchmark run timed out');
    process.exit(1);
  }, 1_200_000);
  try {
    const version = await browser.version();
    const isolated = await inPage(() => window.crossOriginIsolated, 'isolation');
    const capture = {};
    for (const style of STYLES) capture[style] = await captureOnly(style);
    const endToEndCost = {};
    for (const style of STYLES) endToEndCost[style] = await endToEnd(style, E2E_N);
    const burst = await inPage((n) => window.scenarios.burst(n), BURST);
    const heap = {
      event: await inPage((n) => window.scenarios.heap(n, 'event', true), HEAP_N),
      rule: await inPage((n) => window.scenarios.heap(n, 'rule', true), HEAP_N),
      eventNoPersist: await inPage((n) => window.scenarios.heap(n, 'event', false), HEAP_N),
    };
    const held = {};
    for (const n of HELD) held[n] = await inPage((h) => window.scenarios.held(h), n);
    const heldLarge = await inPage((h, d) => window.scenarios.held(h, d), 1000, 2000);
    const restore = await reloadScenario(10_000);
    const saves = {};
    for (const n of [1000, 10_000]) saves[n] = await inPage((h) => window.scenarios.save(h), n);
    const soak = await inPage((n) => window.scenarios.soak(n), SOAK);
    const peers = {};
    for (const persist of [true, false]) {
      for (const tool of TOOLS) peers[`${tool}:${persist ? 'on' : 'off'}`] = await likeForLike(tool, persist, 0);
    }
    for (const tool of TOOLS) peers[`${tool}:paced`] = await likeForLike(tool, true, PACE);
    return { version, isolated, capture, endToEndCost, burst, heap, held, heldLarge, restore, saves, soak, peers };
  } finally {
    clearTimeout(guard);
    await browser.close();
  }
}

const results = [];
try {
  for (let run = 1; run <= RUNS; run++) {
    progress(`run ${run} of ${RUNS}\n`);
    results.push(await measure());
  }
} catch (error) {
  console.error(error);
  process.exit(1);
}
await server.stop();

/**
 * The median over the runs of every figure (the middle one of three); NaN only where every run has NaN (a figure
 * the browser could not observe).
 */
function medianOfRuns(values) {
  const first = values[0];
  if (typeof first === 'number') {
    const seen = values.filter((v) => !Number.isNaN(v));
    return seen.length ? median(seen) : NaN;
  }
  if (first && typeof first === 'object') {
    return Object.fromEntries(Object.keys(first).map((key) => [key, medianOfRuns(values.map((v) => v[key]))]));
  }
  return first;
}
const m = medianOfRuns(results);

const us = (v) => `${v.toFixed(2)} µs`;
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
const x = (v) => `${v.toFixed(2)}×`;
const ms = (v) => (Number.isNaN(v) ? 'not observable' : `${v.toFixed(1)} ms`);
const STYLE_NAMES = { event: '`cif-kpi` event', markup: '`data-kpi` click', rule: '`<cif-kpi-rule>`' };
const met = (ok, target) => `${target} — ${ok ? 'met' : 'missed'}`;
const CORE_BUDGET = 15_000;

/**
 * The table's rows: each cell from the median run `r`, and `each`, the row's headline figure in every run, in the
 * last column.
 */
const rows = [
  ...STYLES.map((style) => ({
    measure: `capture per event, ${STYLE_NAMES[style]}`,
    ours: (r) => us(r.capture[style].ours),
    reference: (r) =>
      `${us(r.capture[style].floor)} (listener keeping the fields); a listener doing nothing ${us(r.capture[style].bare)}, ${x(r.capture[style].bareRatio)}`,
    ratio: (r) => x(r.capture[style].ratio),
    target: (r) => met(r.capture[style].ratio <= 1.5, '≤ 1.5×'),
    each: (r) => x(r.capture[style].ratio),
  })),
  ...STYLES.map((style) => ({
    measure: `end to end per event (CPU, default settings), ${STYLE_NAMES[style]}`,
    ours: (r) => us(r.endToEndCost[style].ours),
    reference: (r) => {
      const c = r.endToEndCost[style];
      return `hand-written CIF logger ${us(c.handWritten)}; listener copying the fields ${us(c.copy)} (${x(c.copyRatio)}; the hand-written one ${x(c.handCopyRatio)}); listener counting ${us(c.bare)} (${x(c.bareRatio)})`;
    },
    ratio: (r) => x(r.endToEndCost[style].handRatio),
    target: (r) => met(r.endToEndCost[style].handRatio <= 1.3, '≤ 1.3×'),
    each: (r) => x(r.endToEndCost[style].handRatio),
  })),
  {
    measure: `burst of ${BURST.toLocaleString('en')}, default settings: all delivered`,
    ours: (r) => `${r.burst.deliveredMs.toFixed(0)} ms`,
    reference: (r) => `dispatch alone ${r.burst.dispatchMs.toFixed(0)} ms`,
    each: (r) => `${r.burst.deliveredMs.toFixed(0)} ms`,
  },
  {
    measure: 'burst: host calls',
    ours: (r) => String(r.burst.calls),
    reference: () => `${BURST.toLocaleString('en')} events`,
    ratio: (r) => x(BURST / r.burst.calls),
    target: (r) => met(BURST / r.burst.calls >= 10, '≥ 10× fewer'),
    each: (r) => String(r.burst.calls),
  },
  {
    measure: 'burst (dispatched in tasks of 100): longest main-thread task',
    ours: (r) => ms(r.burst.longestTask),
    reference: (r) => `${r.burst.longTasks} tasks over 50 ms (Long Tasks API)`,
    target: (r) => met(r.burst.longestTask <= 50, '≤ 50 ms'),
    each: (r) => ms(r.burst.longestTask),
  },
  {
    measure: 'heap per held event (host absent, default settings), `cif-kpi` event',
    ours: (r) => `${r.heap.event.toFixed(0)} B`,
    reference: (r) => `${r.heap.eventNoPersist.toFixed(0)} B with \`no-persist\``,
    each: (r) => `${r.heap.event.toFixed(0)} B`,
  },
  {
    measure: 'heap per held event (host absent, default settings), `<cif-kpi-rule>` with a custom column',
    ours: (r) => `${r.heap.rule.toFixed(0)} B`,
    each: (r) => `${r.heap.rule.toFixed(0)} B`,
  },
  ...HELD.map((n) => ({
    measure: `with ${n.toLocaleString('en')} held (host silent): capture per event`,
    ours: (r) => us(r.held[n].perEvent),
    reference: (r) => (n === HELD[0] ? '' : `${us(r.held[HELD[0]].perEvent)} with none held`),
    ratio: (r) => (n === HELD[0] ? '' : x(r.held[n].perEvent / r.held[HELD[0]].perEvent)),
    target: (r) => (n === HELD[0] ? '' : met(r.held[n].perEvent <= r.held[HELD[0]].perEvent * 1.5, 'flat')),
    each: (r) => us(r.held[n].perEvent),
  })),
  ...HELD.map((n) => ({
    measure: `with ${n.toLocaleString('en')} held: longest task (capture, saves, pagehide)`,
    ours: (r) => ms(r.held[n].longest),
    reference: (r) => `pagehide save with nothing new: ${r.held[n].pagehide.toFixed(1)} ms`,
    target: (r) => met(r.held[n].longest <= 50, '≤ 50 ms'),
    each: (r) => ms(r.held[n].longest),
  })),
  {
    measure: 'with 1,000 held of 2,000-character additionalData: longest task',
    ours: (r) => ms(r.heldLarge.longest),
    reference: (r) => `capture per event ${us(r.heldLarge.perEvent)}`,
    target: (r) => met(r.heldLarge.longest <= 50, '≤ 50 ms'),
    each: (r) => ms(r.heldLarge.longest),
  },
  {
    measure: 'restore of 10,000 events after a reload: longest task',
    ours: (r) => ms(r.restore.longest),
    reference: (r) =>
      `${r.restore.restored.toLocaleString('en')} taken over in ${r.restore.ms.toFixed(0)} ms (${r.restore.stored.toLocaleString('en')} characters stored before)`,
    target: (r) => met(r.restore.longest <= 50, '≤ 50 ms'),
    each: (r) => ms(r.restore.longest),
  },
  ...[1000, 10_000].map((n) => ({
    measure: `save of ${n.toLocaleString('en')} held events never written (pagehide)`,
    ours: (r) => ms(r.saves[n].ms),
    reference: (r) => `${r.saves[n].characters.toLocaleString('en')} characters stored`,
    each: (r) => ms(r.saves[n].ms),
  })),
  {
    measure: `soak: ${SOAK.toLocaleString('en')} events, host always rejecting (retry-delay 20, max-retries 2)`,
    ours: (r) => `${r.soak.seconds.toFixed(0)} s`,
    reference: (r) =>
      `heap +${r.soak.heapMB.toFixed(1)} MB at most; ${r.soak.storedCharacters.toLocaleString('en')} characters stored at most; failed ${r.soak.stats.failed}, dropped ${r.soak.stats.dropped}; longest task ${ms(r.soak.longest)}`,
    target: (r) => met(r.soak.longest <= 50, 'no task over 50 ms'),
    each: (r) => ms(r.soak.longest),
  },
  {
    measure: 'bundle, gzip (brotli; minified)',
    ours: () =>
      `${sizes.ours.gzip.toLocaleString('en')} B (${kb(sizes.ours.brotli)}; ${kb(sizes.ours.min)}); loaded on demand: rules +${kb(sizes.rules.gzip)}, inspector +${kb(sizes.inspector.gzip)}`,
    reference: () =>
      `Lit floor ${kb(sizes.lit.gzip)} (${kb(sizes.lit.min)}); ReactiveElement floor ${kb(sizes.reactive.gzip)}`,
    target: () => met(sizes.ours.gzip <= CORE_BUDGET, `≤ ${CORE_BUDGET.toLocaleString('en')} B`),
  },
  {
    measure: 'classic script bundle (every part included), gzip (brotli; minified)',
    ours: () => `${kb(sizes.classic.gzip)} (${kb(sizes.classic.brotli)}; ${kb(sizes.classic.min)})`,
  },
  {
    measure: "`import 'cif-kpi-logger'` in an app (esbuild, minified, dynamic imports split), gzip (brotli; minified)",
    ours: () =>
      `${kb(sizes.consumer.start.gzip)} (${kb(sizes.consumer.start.brotli)}; ${kb(sizes.consumer.start.min)}) at start, in ${sizes.consumer.start.files} files; ${sizes.consumer.later.files} more on demand`,
    reference: () => `the script-tag ES module ${kb(sizes.ours.gzip)}`,
  },
  ...['on', 'off', 'paced'].flatMap((setting) =>
    ['app-insights', 'snowplow'].map((name) => {
      const size = name === 'app-insights' ? sizes.appInsights : sizes.snowplow;
      const label =
        name === 'app-insights' ? 'Application Insights + click analytics' : 'Snowplow + button-click tracking';
      const how = setting === 'paced' ? 'at a person’s pace, defaults' : `burst, persistence ${setting}`;
      return {
        measure: `like for like, ${how}: ${label}, end to end per click / gzip`,
        ours: (r) => {
          const o = r.peers[`cif-kpi-logger:${setting}`];
          return `${us(o.perClick)} (${x(o.ratio)} its floor) / ${kb(sizes.ours.gzip)}`;
        },
        reference: (r) => {
          const p = r.peers[`${name}:${setting}`];
          return `${us(p.perClick)} (${x(p.ratio)} its floor) / ${kb(size.gzip)}`;
        },
        ratio: (r) =>
          `${x(r.peers[`cif-kpi-logger:${setting}`].perClick / r.peers[`${name}:${setting}`].perClick)} / ${x(sizes.ours.gzip / size.gzip)}`,
        target: (r) =>
          met(
            r.peers[`cif-kpi-logger:${setting}`].perClick < r.peers[`${name}:${setting}`].perClick &&
              sizes.ours.gzip < size.gzip,
            'cheaper and smaller',
          ),
        each: (r) => x(r.peers[`cif-kpi-logger:${setting}`].perClick / r.peers[`${name}:${setting}`].perClick),
      };
    }),
  ),
];

const header = ['measure', 'cif-kpi-logger', 'reference', 'ratio', 'target', `each run (${RUNS})`];
const cells = [
  header,
  ...rows.map((row) => [
    row.measure,
    row.ours(m),
    row.reference?.(m) ?? '',
    row.ratio?.(m) ?? '',
    row.target?.(m) ?? '',
    row.each ? results.map(row.each).join(' · ') : '',
  ]),
];
const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
const table = [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...cells.slice(1).map(line)].join(
  '\n',
);
console.log(table);
const date = new Date().toISOString().slice(0, 10);
const peerRounds = results
  .map((r) =>
    Object.entries(r.peers)
      .map(([name, p]) => `${name} ${p.rounds} (${p.delivered} of ${p.clicks})`)
      .join(', '),
  )
  .join('; ');
writeFileSync(
  `${ROOT}bench/RESULTS.md`,
  `# Benchmark results\n\n${date}, ${m.version}, ${process.platform} ${process.arch}, Node ${process.version}, ` +
    `${os.cpus().length} cores, ${RUNS} full runs in fresh browsers (the page cross-origin isolated: ` +
    `${results.map((r) => r.isolated).join(', ')}); the whole took ${((Date.now() - began) / 60_000).toFixed(1)} min. ` +
    `Every figure is the median of the runs' figures; the last column gives each run's headline figure, and a ` +
    `target counts as met when the median meets it.\n\n` +
    `Capture only: ${ROUNDS - 1} rounds of ${N} events after one warm-up round, each round including the ` +
    `microtasks it queued, rotating with the same rounds into two copies of the DOM, one heard by a capture listener ` +
    `that keeps the same fields in an array (the floor) and one by a listener that does nothing; a page's ratio is the ` +
    `median of its rounds' ratios, and each style runs in ${CAPTURE_PAGES} fresh pages, whose median is the run's ` +
    `figure. The logger has flush-delay, max-batch and the bounds lifted, so nothing is sent or stored during a ` +
    `round; the click rounds dispatch a click alone, all that either hears.\n\n` +
    `End to end: in ${E2E_PAGES} fresh pages per style, a warm-up set and up to ${E2E_SETS} sets of rounds of ` +
    `${E2E_N} events (a page stopping after its share of ${E2E_BUDGET / 1000} s per style; sets measured per run: ` +
    `${results.map((r) => STYLES.map((s) => r.endToEndCost[s].sets).join('/')).join(', ')}), each set one round ` +
    `of each of four arms in four copies of the DOM, their order rotated from set to set: the logger with default ` +
    `settings (batching, persistence on); a hand-written CIF logger (the floor: it builds the same payload, the ids ` +
    `and per event its name, reason, custom column and an ISO timestamp, and calls logAnalyticsEvent once per 100 ` +
    `events or 500 ms after the first of a partial batch); a listener copying the same fields into an array; a ` +
    `listener that only counts. Events are dispatched in tasks of 100 to a bare host answering in ~5 ms; each round ` +
    `waits until the arm has sent every event and 1.2 s more (the logger's storage writes); the page's main-thread ` +
    `CPU time (CDP Performance metrics, TaskDuration) per event. Ratios are the medians of the sets' ratios in a ` +
    `page, then over the pages.\n\n` +
    `Longest tasks: the longest gap between two turns of a MessageChannel task loop while the scenario runs (an ` +
    `upper bound on any task between them, dispatching tasks included), with the count of tasks over 50 ms from ` +
    `the Long Tasks API. Heap: after a full collection, ${HEAP_N.toLocaleString('en')} events held against an ` +
    `absent host, 1.2 s after the last (the storage writes done). Held: capture per event of 3,000 more events in ` +
    `rounds of 100, with ${HELD.map((n) => n.toLocaleString('en')).join(', ')} already held.\n\n` +
    `Like for like: each tool (cif-kpi-logger with default settings and a host answering in ~5 ms; Application ` +
    `Insights 3 with click analytics and Snowplow 4 with button-click tracking, each with its defaults and a network ` +
    `answering 200 in ~5 ms) in a page of its own, hearing the same clicks (mousedown, mouseup, click) on the same ` +
    `tagged buttons: bursts of ${PEER_N} clicks in tasks of 100, and ${PACED_N} clicks one per task every ${PACE} ms ` +
    `(a person's pace; the peers rewrite their stored queue on every event, so a burst measures how long their ` +
    `queue got, and the persistence-off rows are the fair burst comparison). Each round lasts until the tool's ` +
    `network has been quiet for 1.2 s (Application Insights, which sends every 15 s by default, is asked to flush ` +
    `after the clicks), and alternates with a floor round (a listener copying the same fields, in a frame of its ` +
    `own, idling 1.22 s), the floor going first in every other pair; CPU as above. Persistence on is each tool's ` +
    `default (cif-kpi-logger: sessionStorage; Application Insights: its sessionStorage send buffer; Snowplow: its ` +
    `localStorage queue and cookies), off is \`no-persist\`, \`enableSessionStorageBuffer: false\` and ` +
    `\`stateStorageStrategy: 'none'\`. Up to ${PEER_ROUNDS - 1} burst rounds and ${PACED_ROUNDS - 1} paced rounds ` +
    `after a warm-up, stopping after ${PEER_BUDGET / 1000} s per tool and setting (at least 2 rounds). Rounds run and ` +
    `clicks delivered, per run: ${peerRounds}.\n\n${table}\n`,
);
console.log(`\nwritten to bench/RESULTS.md (${m.version})`);
