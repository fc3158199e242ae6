// Builds the script-tag bundles in dist/cdn (what the bundle, README and demo tests load), unless they are newer
// than everything they are made from: `npm test` right after `npm run build` (as in .ci/run) builds nothing
// again, and a fresh clone builds them once. `--force` always builds.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { rollup } from 'rollup';
import configs from '../rollup.config.mjs';

const root = new URL('..', import.meta.url).pathname;
const inputs = ['src', 'rollup.config.mjs', 'scripts/bundle-plugins.mjs', 'package-lock.json', 'tsconfig.json'];
const outputs = configs.map((config) => config.output.file ?? join(config.output.dir, config.output.entryFileNames));

function newest(path) {
  const stat = statSync(join(root, path));
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(join(root, path)).map((name) => newest(join(path, name))));
}

function oldestOutput() {
  try {
    return Math.min(...outputs.map((file) => statSync(join(root, file)).mtimeMs));
  } catch {
    return -Infinity; // missing: build
  }
}

if (process.argv.includes('--force') || oldestOutput() < Math.max(...inputs.map(newest))) {
  const started = performance.now();
  rmSync(join(root, 'dist/cdn'), { recursive: true, force: true }); // no chunks of an earlier build left
  // Built one after another: the minifier is the bottleneck, and the machines have two cores. Each is said as it is
  // written (`written dist/cdn/…`): the tests that need only the ones written start then (scripts/cdn-for-tests.mjs).
  for (const { output, ...input } of configs) {
    const bundle = await rollup({ ...input, onwarn: () => {} });
    await bundle.write(output);
    await bundle.close();
    console.log(`written ${output.file ?? join(output.dir, output.entryFileNames)}`);
  }
  console.log(`dist/cdn built in ${Math.round(performance.now() - started)} ms`);
} else {
  console.log('dist/cdn is up to date');
}
