// Takes docs/demo.png: serves the demo, clicks through a short agent session, and screenshots the page.
// Usage: npm run build && node scripts/screenshot-demo.mjs
import { startDevServer } from '@web/dev-server';
import puppeteer from 'puppeteer-core';
import { mkdirSync } from 'node:fs';
import { chromiumLaunchOptions } from './chromium.mjs';
import config from '../web-dev-server.config.mjs';

const server = await startDevServer({
  config: { ...config, port: 8123 },
  readCliArgs: false,
  readFileConfig: false,
  logStartMessage: false,
});
const browser = await puppeteer.launch(await chromiumLaunchOptions());
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 1150 });
  await page.goto('http://localhost:8123/demo/', { waitUntil: 'load' });
  const click = async (selector) => {
    await page.click(selector);
    await new Promise((resolve) => setTimeout(resolve, 150));
  };
  await click('[data-kpi="IncomingCallAnswered"]');
  await click('#softphone [data-demo-kpi="CallHold"]');
  await click('legacy-queue-widget button');
  await click('#bad-timestamp');
  await click('#long-reason');
  await new Promise((resolve) => setTimeout(resolve, 2600));
  await click('#softphone [data-demo-kpi="CallResume"]');
  await new Promise((resolve) => setTimeout(resolve, 900));
  await page.evaluate(() => window.scrollTo(0, 0));
  mkdirSync(new URL('../docs', import.meta.url), { recursive: true });
  await page.screenshot({ path: new URL('../docs/demo.png', import.meta.url).pathname });
  console.log('wrote docs/demo.png');
} finally {
  await browser.close();
  await server.stop();
}
