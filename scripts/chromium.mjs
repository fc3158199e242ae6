// Resolves a headless Chromium for tests, the demo screenshot and the benchmark.
// CHROME_PATH wins; otherwise the Chromium shipped inside the @sparticuz/chromium npm package is unpacked
// into a per-version folder under node_modules/.cache so an older binary is never reused by mistake.
import { readFileSync, mkdirSync } from 'node:fs';
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
  const cacheDir = join(root, 'node_modules', '.cache', `sparticuz-chromium-${version}`);
  mkdirSync(cacheDir, { recursive: true });
  const previousTmp = process.env.TMPDIR;
  process.env.TMPDIR = cacheDir;
  try {
    const { default: chromium } = await import('@sparticuz/chromium');
    return await chromium.executablePath();
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
