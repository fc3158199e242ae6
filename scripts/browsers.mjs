// Launchers for the other two engines the tests run in with `npm run test:browsers` (Chromium is chromium.mjs):
// Firefox from Debian's firefox-esr, driven by puppeteer-core over WebDriver BiDi, and WebKit (Safari's engine) from
// Debian's WebKitGTK MiniBrowser, driven by its WebKitWebDriver, which this module starts on a free port. The GTK
// MiniBrowser has no headless mode: without a display, it starts under an Xvfb of its own.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { chromeLauncher } from '@web/test-runner';
import { webdriverLauncher } from '@web/test-runner-webdriver';
import puppeteer from 'puppeteer-core';

const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
const MINIBROWSER = process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const XVFB = '/usr/bin/Xvfb';

/** The system packages the other engines need, and the command that installs them. */
export const SYSTEM_PACKAGES = ['firefox-esr', 'webkit2gtk-driver', 'xvfb'];

/** What is missing to run the other engines, as a message; undefined when nothing is. */
export function missingEngines() {
  const missing = [FIREFOX, WEBKIT_DRIVER, MINIBROWSER, ...(process.env.DISPLAY ? [] : [XVFB])].filter(
    (path) => !existsSync(path),
  );
  if (missing.length === 0) return undefined;
  return `not found: ${missing.join(', ')}. Install them with: apt-get install -y --no-install-recommends ${SYSTEM_PACKAGES.join(' ')}`;
}

export function firefoxLauncher() {
  return chromeLauncher({
    puppeteer,
    launchOptions: { browser: 'firefox', executablePath: FIREFOX, headless: true },
    // puppeteer's setViewport also overrides the screen orientation, a BiDi command Firefox 140 ESR does not know;
    // the viewport itself is set (the two are sent together), so only that refusal is let through.
    async createPage({ browser }) {
      const page = await browser.newPage();
      const setViewport = page.setViewport.bind(page);
      page.setViewport = (viewport) =>
        setViewport(viewport).catch((error) => {
          if (!String(error?.message).includes('setScreenOrientationOverride')) throw error;
        });
      return page;
    },
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something listens on `port`, or rejects after `timeout` ms. */
async function listening(port, timeout) {
  const until = Date.now() + timeout;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/status`);
      if (response.ok) return;
    } catch {
      // not yet
    }
    if (Date.now() > until) throw new Error(`WebKitWebDriver did not start on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Child processes this module started, stopped when the test run exits. */
const children = [];
process.once('exit', () => {
  for (const child of children) child.kill();
});

/** A display for the MiniBrowser: the one there is, or an Xvfb started for it. */
async function display() {
  if (process.env.DISPLAY) return process.env.DISPLAY;
  const number = 90 + ((await freePort()) % 900);
  const xvfb = spawn(XVFB, [`:${number}`, '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
  children.push(xvfb);
  await new Promise((resolve) => setTimeout(resolve, 500));
  return `:${number}`;
}

export async function webkitLauncher() {
  const port = await freePort();
  const driver = spawn(WEBKIT_DRIVER, [`--port=${port}`], {
    stdio: 'ignore',
    env: { ...process.env, DISPLAY: await display() },
  });
  children.push(driver);
  await listening(port, 20_000);
  return webdriverLauncher({
    hostname: '127.0.0.1',
    port,
    path: '/',
    logLevel: 'error',
    capabilities: {
      browserName: 'MiniBrowser',
      'wdio:enforceWebDriverClassic': true,
      'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
    },
  });
}
