// Resolves a headless Chromium for tests, the demo screenshot and the benchmark.
// CHROME_PATH wins; otherwise the Chromium shipped inside the @sparticuz/chromium npm package, unpacked once per
// version into the user's cache folder (scripts/user-cache.mjs), so that a fresh clone or `npm ci` does not unpack
// it again, and never reused by another version.
import { join } from 'node:path';
import { cachedFolder, installedVersion, makeFolder } from './user-cache.mjs';

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** The browser's path, once per process: it unpacks through TMPDIR, which the whole process shares. */
let resolving;

export function chromiumExecutablePath() {
  if (process.env.CHROME_PATH) return Promise.resolve(process.env.CHROME_PATH);
  return (resolving ??= (async () => {
    const folder = `sparticuz-chromium-${installedVersion('@sparticuz/chromium')}`;
    return join(cachedFolder(folder) ?? (await makeFolder(folder, unpackInto)), 'chromium');
  })());
}

/** Unpacks the package's Chromium into `dir` (it unpacks into the temporary folder, which is set to `dir`). */
async function unpackInto(dir) {
  const previousTmp = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    const { default: chromium } = await import('@sparticuz/chromium');
    await chromium.executablePath();
  } finally {
    if (previousTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmp;
  }
}

/** Launch options for puppeteer-core (and so for @web/test-runner's chromeLauncher). */
export async function chromiumLaunchOptions() {
  return {
    executablePath: await chromiumExecutablePath(),
    headless: process.env.CHROME_PATH ? true : 'shell',
    args: chromiumArgs,
  };
}
