// `npm run test:model [-- --runs N] [-- --seed S]`: the model-based test (test/model.test.ts) run long, in Chromium.
// Defaults: 2,000 sequences and a fresh seed, printed at the start; a failure prints its seed, its path and the
// shrunk command list, which `--seed S` runs again. The suite (`npm test`) runs it short and seeded.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};
const runs = Number(option('runs') ?? 2000);
const seed = option('seed') ?? 'random';
if (!(runs > 0) || (seed !== 'random' && !Number.isInteger(Number(seed)))) {
  console.error('usage: npm run test:model -- [--runs N] [--seed S]');
  process.exit(2);
}
const root = fileURLToPath(new URL('..', import.meta.url));
const build = spawnSync(process.execPath, ['scripts/build-cdn.mjs'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const wtr = fileURLToPath(new URL('../node_modules/@web/test-runner/dist/bin.js', import.meta.url));
const run = spawnSync(
  process.execPath,
  [wtr, '--config', 'web-test-runner.config.mjs', '--files', 'test/model.test.ts'],
  { cwd: root, stdio: 'inherit', env: { ...process.env, FC_RUNS: String(runs), FC_SEED: seed } },
);
process.exit(run.status ?? 1);
