import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner';
import { defaultReporter } from '@web/test-runner';
import { chromiumLaunchOptions } from './scripts/chromium.mjs';
import { closingLineReporter } from './scripts/closing-line-reporter.mjs';
import { reactForTests } from './scripts/react-for-tests.mjs';
import { vueForTests } from './scripts/vue-for-tests.mjs';
import { angularForTests } from './scripts/angular-for-tests.mjs';
import { sourceForTests } from './scripts/source-for-tests.mjs';
import { cdnForTests, testFiles } from './scripts/cdn-for-tests.mjs';

const cdn = cdnForTests();

/**
 * Settings the test page reads from `/__test-settings`: the property-based tests' run count and seed. `npm test`
 * keeps them short and seeded; `FC_RUNS=5000 FC_SEED=random npm test` runs them longer, with a fresh seed.
 */
function testSettings() {
  const runs = Number(process.env.FC_RUNS) || undefined;
  const seed = process.env.FC_SEED === 'random' ? Date.now() : Number(process.env.FC_SEED) || undefined;
  return {
    name: 'test-settings',
    serve(context) {
      if (context.path === '/__test-settings') return { body: JSON.stringify({ runs, seed }), type: 'json' };
      return undefined;
    },
  };
}

/** The policy the strict-CSP test pages are served with: what the README's Security section promises. */
export const STRICT_CSP =
  "script-src 'self'; style-src 'self'; require-trusted-types-for 'script'; trusted-types 'none'";

/** The test files that take longest (a few seconds each), in that order: they start first, within their part. */
const SLOWEST = [
  'test/persistence.test.ts',
  'test/persistence-bad-day.test.ts',
  'test/model.test.ts',
  'test/auto-context.test.ts',
  'test/reliability.test.ts',
  'test/debug-inspector.test.ts',
  'test/persistence-loading.test.ts',
  'test/markup-loading.test.ts',
  'test/cdn-bundle.test.ts',
];

export default {
  // Every test/**/*.test.ts: those that use the script-tag bundles last, as they wait for the build that starts with
  // the server (scripts/cdn-for-tests.mjs); the slowest lead in each part.
  files: testFiles({ first: SLOWEST }),
  nodeResolve: true,
  rootDir: '.',
  // Three test files at a time, each in a tab of its own: sessionStorage is the tab's, and the tests that look at Web
  // Locks (shared by the origin) look at their own document's only (test/support/harness.ts, documentLocks). Most of
  // a file's time is waiting (pages loading, the host's answers, real reloads), so a third tab fills the two cores.
  concurrency: 3,
  // Lit's dev-mode notice, and the logger's own console lines (tests that read them stub the console).
  filterBrowserLogs: ({ args }) =>
    !String(args[0] ?? '').startsWith('Lit is in dev mode') && args[0] !== '[cif-kpi-logger]',
  testFramework: {
    config: { timeout: 5000 },
  },
  browsers: [chromeLauncher({ launchOptions: await chromiumLaunchOptions() })],
  middleware: [
    // Requests for dist/cdn, and for the test files that use it, wait for the build.
    cdn.middleware,
    // `/slow-<chunk>-<n>/dist/cdn/…` serves dist/cdn with the bundle's chunk of that name 1.5 s late, and
    // `/fail-<chunk>-<n>/dist/cdn/…` without it (404, half a second late, as a failing network takes a while): a
    // test can then act while it loads, or see it missing. `/slow<ms>-…` and `/fail<ms>-…` take that long instead.
    // The path is new for each <n>, so the browser cannot answer from its cache.
    async function slowChunk(context, next) {
      const via = /^\/(slow|fail)(\d*)-([a-z-]+)-\d+(\/dist\/cdn\/.*)$/.exec(context.path);
      if (via) {
        const [, how, ms, chunk, path] = via;
        if (path.startsWith(`/dist/cdn/cif-kpi-logger-${chunk}-`)) {
          const delay = ms ? Number(ms) : how === 'fail' ? 500 : 1500;
          await new Promise((resolve) => setTimeout(resolve, delay));
          if (how === 'fail') return void (context.status = 404);
        }
        context.path = path;
      }
      await next();
    },
    async function strictCsp(context, next) {
      await next();
      if (context.path.startsWith('/test/pages/csp-')) context.set('Content-Security-Policy', STRICT_CSP);
    },
  ],
  plugins: [
    cdn.plugin,
    reactForTests(),
    vueForTests(),
    angularForTests(),
    sourceForTests(),
    testSettings(),
    // TypeScript is compiled to the syntax all three engines run; JavaScript (the built bundles, the packages) is
    // served as written, so that the bundles under test are the files that ship, not a copy lowered to older syntax.
    esbuildPlugin({ ts: true, tsx: true, target: 'esnext', tsconfig: './tsconfig.json' }),
  ],
  reporters: [defaultReporter(), closingLineReporter()],
  // A long property run (`FC_RUNS`, as `npm run test:model` sets) takes what it needs; the default is 2 minutes.
  ...(process.env.FC_RUNS ? { testsFinishTimeout: 4 * 3_600_000 } : {}),
  // `npm test -- --coverage` (as .ci/run does) fails below these: the figures reached, less a margin for the
  // branches that depend on timing.
  coverageConfig: {
    include: ['src/**/*.ts'],
    threshold: { statements: 97, branches: 90, functions: 96, lines: 97 },
  },
};
