// `npm run test:browsers`: the whole suite in Chromium, Firefox and WebKit (see scripts/browsers.mjs for what each
// needs); `BROWSERS=firefox,webkit` picks some. Coverage is measured in Chromium only (`npm test -- --coverage`).
import config from './web-test-runner.config.mjs';
import { firefoxLauncher, missingEngines, webkitLauncher } from './scripts/browsers.mjs';

const missing = missingEngines();
if (missing) {
  console.error(`npm run test:browsers needs Firefox ESR and WebKitGTK: ${missing}`);
  process.exit(1);
}

const picked = (process.env.BROWSERS ?? 'chromium,firefox,webkit').split(',');
const launchers = {
  chromium: () => config.browsers[0],
  firefox: () => firefoxLauncher(),
  webkit: () => webkitLauncher(),
};

export default {
  ...config,
  browsers: await Promise.all(picked.map((name) => launchers[name.trim()]())),
  // Three engines already run side by side on a machine of two cores: one file at a time in each.
  concurrency: 1,
  // A cold first start of Firefox takes long.
  browserStartTimeout: 120_000,
  testsStartTimeout: 120_000,
  testsFinishTimeout: 600_000,
  testFramework: { config: { ...config.testFramework.config, timeout: 20_000 } },
};
