import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner';
import { defaultReporter } from '@web/test-runner';
import { chromiumLaunchOptions } from './scripts/chromium.mjs';
import { closingLineReporter } from './scripts/closing-line-reporter.mjs';
import { reactForTests } from './scripts/react-for-tests.mjs';
import { sourceForTests } from './scripts/source-for-tests.mjs';

export default {
  files: ['test/**/*.test.ts'],
  nodeResolve: true,
  rootDir: '.',
  concurrency: 1,
  filterBrowserLogs: ({ args }) => !String(args[0] ?? '').startsWith('Lit is in dev mode'),
  testFramework: {
    config: { timeout: 5000 },
  },
  browsers: [chromeLauncher({ launchOptions: await chromiumLaunchOptions() })],
  plugins: [
    reactForTests(),
    sourceForTests(),
    esbuildPlugin({ ts: true, target: 'es2021', tsconfig: './tsconfig.json' }),
  ],
  reporters: [defaultReporter(), closingLineReporter()],
  // `npm test -- --coverage` (as .ci/run does) fails below these: the figures reached, less a margin for the
  // branches that depend on timing.
  coverageConfig: {
    include: ['src/**/*.ts'],
    threshold: { statements: 95, branches: 88, functions: 93, lines: 95 },
  },
};
