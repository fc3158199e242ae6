// `npm run bench:code`: how much of the core ES module (dist/cdn/cif-kpi-logger.js) a page with default settings
// runs. Headless Chromium loads a provider page with one logger (its two ids, nothing else) on the simulated CIF
// host, logs `cif-kpi` events and clicks, reloads while the host does not answer (the events are stored), and
// reloads again (they are read back and sent). V8's coverage of the three loads, taken together, says which functions
// ran. It prints the module's gzip size, the gzip size of what is left without the functions that never ran (the
// least a core of the same code could weigh, at the granularity a lazy part can take), and how those functions are
// spread by size. It reports; it never fails a build.
import puppeteer from 'puppeteer-core';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { chromiumLaunchOptions } from '../scripts/chromium.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const CORE = 'cif-kpi-logger.js';
const PORT = 8136;
const PAGE = `<!doctype html><meta charset="utf-8" />
<script type="module">
  import { SimulatedCifHost } from '/dist/cdn/simulated-cif-host.js';
  window.host = new SimulatedCifHost({ initDelay: 0, latency: 5 });
  if (sessionStorage.getItem('stall') === 'yes') window.host.setReply(() => ({ kind: 'stall' }));
  window.host.install();
  window.sent = 0;
  document.addEventListener('cif-kpi-sent', (event) => (window.sent += event.detail.data.events.length));
</script>
<script type="module" src="/dist/cdn/${CORE}"></script>
<div><button>Accept</button><cif-kpi-logger conversation-id="conv-1" provider-session-id="prov-1"></cif-kpi-logger></div>`;

const server = createServer((request, response) => {
  const path = new URL(request.url, 'http://localhost').pathname;
  if (path === '/') return response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
  if (!/^\/dist\/cdn\/[\w.-]+\.js$/.test(path)) return response.writeHead(404).end();
  try {
    response.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(ROOT + path.slice(1)));
  } catch {
    response.writeHead(404).end();
  }
}).listen(PORT);

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const browser = await puppeteer.launch(await chromiumLaunchOptions());
try {
  const page = await browser.newPage();
  await page.coverage.startJSCoverage({ resetOnNavigation: false, includeRawScriptCoverage: true });
  const logSome = async (reason) => {
    await page.evaluate((reason) => {
      const button = document.querySelector('button');
      for (let i = 0; i < 5; i++) {
        const detail = { kpiEventName: 'CallAccepted', kpiEventReason: `${reason} ${i}` };
        button.dispatchEvent(new CustomEvent('cif-kpi', { bubbles: true, composed: true, detail }));
      }
      button.click();
    }, reason);
    await wait(1500); // past the 500 ms batching window, the host's answer and the second's storage write
  };
  await page.goto(`http://localhost:${PORT}/`);
  await logSome('sent at once');
  await page.evaluate(() => sessionStorage.setItem('stall', 'yes'));
  await page.reload();
  await logSome('held across a reload');
  await page.evaluate(() => sessionStorage.setItem('stall', 'no'));
  await page.reload();
  await wait(2500);
  const sent = await page.evaluate(() => window.sent);
  if (sent !== 5) throw new Error(`the events held across the reload were not sent after it (${sent} of 5)`);
  const loads = (await page.coverage.stopJSCoverage()).filter((entry) => entry.url.endsWith(`/dist/cdn/${CORE}`));
  report(loads[0].text, loads);
} finally {
  await browser.close();
  server.close();
}

/** Prints what the loads ran of `text`, by function: a function counts as run if any load ran it. */
function report(text, loads) {
  const ran = new Set();
  const functions = new Map();
  for (const { rawScriptCoverage } of loads)
    for (const { ranges } of rawScriptCoverage.functions) {
      const [whole] = ranges;
      const key = `${whole.startOffset}:${whole.endOffset}`;
      functions.set(key, whole);
      if (whole.count > 0) ran.add(key);
    }
  // The functions no load ran that are not inside another such function.
  const unrun = [];
  for (const [key, range] of [...functions].sort(([, a], [, b]) => a.startOffset - b.startOffset)) {
    if (ran.has(key) || (unrun.length > 0 && range.startOffset < unrun.at(-1).endOffset)) continue;
    unrun.push(range);
  }
  const gzip = (code) => gzipSync(code, { level: 9 }).length;
  // The module with each of `ranges` left out, or (`moved`) replaced by a call to a lazily loaded copy of itself: a
  // body that loads the part and calls it with the same arguments (what moving it costs at least: its private fields
  // would also have to become public, and then keep their long names).
  const without = (ranges, moved) => {
    let code = '';
    let from = 0;
    ranges.forEach(({ startOffset, endOffset }, n) => {
      code += text.slice(from, startOffset);
      if (moved) {
        const fn = text.slice(startOffset, endOffset);
        const body = fn.indexOf('{');
        code += `${body > 0 && fn.indexOf('=>') < 0 ? fn.slice(0, body) : '(...a)=>'}{return P().then(p=>p.f${n}(this,...arguments))}`;
      }
      from = endOffset;
    });
    return code + text.slice(from);
  };
  const whole = gzip(text);
  console.log(
    `${CORE}: ${text.length} B minified, ${whole} B gzip; a page with default settings ran ${ran.size} of its ${functions.size} functions`,
  );
  console.log(
    `without the functions it never ran (${unrun.length}, not counting those inside them): ${gzip(without(unrun))} B gzip`,
  );
  console.log(
    '\nfunctions never run, by size    count   minified   gzip saved without them   with each moved to a part',
  );
  for (const least of [300, 200, 150, 100, 70, 50, 30, 0]) {
    const these = unrun.filter(({ startOffset, endOffset }) => endOffset - startOffset >= least);
    const chars = these.reduce((sum, { startOffset, endOffset }) => sum + endOffset - startOffset, 0);
    const cells = [these.length, chars, `${whole - gzip(without(these))} B`, `${whole - gzip(without(these, true))} B`];
    console.log(
      `  ${`${least} characters or more`.padEnd(28)}${cells.map((c, k) => String(c).padStart([6, 11, 25, 28][k])).join('')}`,
    );
  }
}
