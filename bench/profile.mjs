// `npm run bench:profile -- [event|markup|rule] [e2e]`: runs one capture scenario (or, with `e2e`, the end-to-end
// rounds: default settings, every event sent and stored) under the browser's sampling profiler and prints where
// the time goes (self time by function), to find what to make cheaper.
import puppeteer from 'puppeteer-core';
import { startDevServer } from '@web/dev-server';
import { chromiumLaunchOptions } from '../scripts/chromium.mjs';

const style = process.argv[2] ?? 'event';
const endToEnd = process.argv[3] === 'e2e';
const ROOT = new URL('..', import.meta.url).pathname;
const server = await startDevServer({
  config: { rootDir: ROOT, port: 8136, nodeResolve: false, watch: false },
  readCliArgs: false,
  readFileConfig: false,
  logStartMessage: false,
});
const browser = await puppeteer.launch(await chromiumLaunchOptions());
const page = await browser.newPage();
await page.goto('http://localhost:8136/bench/page.html');
await page.waitForFunction('window.scenariosReady === true');
const session = await page.createCDPSession();
await session.send('Profiler.enable');
await session.send('Profiler.setSamplingInterval', { interval: 50 });
if (endToEnd) await page.evaluate((s) => window.scenarios.e2eSetup(s), style);
await session.send('Profiler.start');
if (endToEnd) await page.evaluate(() => window.scenarios.e2eRound('ours', 10_000));
else await page.evaluate((s) => window.scenarios.logger(s, 5000, 8), style);
const { profile } = await session.send('Profiler.stop');
await browser.close();
await server.stop();

const self = new Map();
const total = profile.samples.length;
const counts = new Map();
for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
for (const node of profile.nodes) {
  const { functionName, url, lineNumber } = node.callFrame;
  const key = `${functionName || '(anonymous)'} ${url.split('/').pop()}:${lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + (counts.get(node.id) ?? 0));
}
// Inclusive time: a node's own samples plus its descendants', summed per function (counted once per stack).
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const inclusive = new Map();
for (const [id, n] of counts) {
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const { functionName, url, lineNumber } = byId.get(at).callFrame;
    const key = `${functionName || '(anonymous)'} ${url.split('/').pop()}:${lineNumber + 1}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + n);
  }
}
const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25);
console.log(`self time, ${style} ${endToEnd ? 'end to end' : 'capture'} (${total} samples):`);
for (const [key, n] of top) console.log(`${((100 * n) / total).toFixed(1).padStart(5)}%  ${key}`);
const busy = total - (self.get('(idle) :0') ?? 0) - (self.get('(program) :0') ?? 0);
console.log(`\ninclusive time, as a share of busy samples (${busy}):`);
const topIncl = [...inclusive.entries()]
  .filter(([k]) => !k.startsWith('('))
  .sort((a, b) => b[1] - a[1])
  .slice(0, 40);
for (const [key, n] of topIncl) console.log(`${((100 * n) / busy).toFixed(1).padStart(5)}%  ${key}`);
