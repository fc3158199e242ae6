// Resolves a headless Chromium for tests, the demo screenshot and the benchmark.
// CHROME_PATH wins; otherwise the Chromium shipped inside the @sparticuz/chromium npm package, unpacked once per
// version into the user's cache folder (as puppeteer and Playwright keep their browsers), so that a fresh clone or
// `npm ci` does not unpack it again. It is unpacked into a folder of its own and moved into place whole, so a run that
// starts meanwhile never finds half a browser; where the user cache cannot be written, node_modules/.cache is used.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

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

export async function chromiumExecutablePath() {
  if (process.env.CHROME_PATH) return process.env.CHROME_PATH;
  const pkgDir = join(root, 'node_modules', '@sparticuz', 'chromium');
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const folder = `sparticuz-chromium-${version}`;
  const userCache = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'cif-kpi-logger');
  for (const cache of [userCache, join(root, 'node_modules', '.cache')]) {
    const unpacked = join(cache, folder);
    if (existsSync(join(unpacked, 'chromium'))) return join(unpacked, 'chromium');
    let staging;
    try {
      mkdirSync(cache, { recursive: true });
      staging = mkdtempSync(join(cache, `${folder}-unpacking-`));
    } catch {
      continue; // not writable: the next place
    }
    try {
      await unpackInto(staging);
      try {
        renameSync(staging, unpacked);
      } catch (error) {
        // Another run moved its own copy into place first.
        if (!existsSync(join(unpacked, 'chromium'))) throw error;
      }
      return join(unpacked, 'chromium');
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  throw new Error(`Chromium could not be unpacked: neither ${userCache} nor node_modules/.cache can be written`);
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
