// `npm run test:package` (after `npm run build`): what `npm publish` would ship, checked.
// - the packed files are the expected list (test/package-files.txt; lazy chunks' hashes written as `*`), with no
//   internal build files;
// - every source map in it carries its sources (`sourcesContent`), since `src/` is not shipped;
// - importing each entry point in plain Node (server-side rendering, a Node test environment) throws nothing and
//   registers nothing;
// - a consumer's bundle of `import 'cif-kpi-logger'` (esbuild, minified, split) holds no lit-html or LitElement,
//   and what it loads at start (the entry chunk and the chunks it imports statically) stays within its gzip budget.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { consumerBundle } from './consumer-bundle.mjs';

const CONSUMER_BUDGET_GZIP = Number(process.env.CONSUMER_BUDGET ?? 25_000);
const root = new URL('..', import.meta.url).pathname;
const failures = [];
const fail = (message) => failures.push(message);

// The packed files.
const [pack] = JSON.parse(
  execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }),
);
const packed = pack.files.map((file) => file.path).sort();
const shown = (path) => path.replace(/^(dist\/cdn\/cif-kpi-logger-[\w-]+?)-[\w-]{8}(\.js(?:\.map)?)$/, '$1-*$2');
const listed = [...new Set(packed.map(shown))].sort();
const expectedFile = join(root, 'test/package-files.txt');
if (process.argv.includes('--write')) writeFileSync(expectedFile, `${listed.join('\n')}\n`);
const expected = readFileSync(expectedFile, 'utf8').split('\n').filter(Boolean);
const missing = expected.filter((path) => !listed.includes(path));
const extra = listed.filter((path) => !expected.includes(path));
if (missing.length || extra.length) {
  fail(
    `packed files differ from test/package-files.txt: missing ${missing.join(', ') || 'none'}; not expected ${extra.join(', ') || 'none'} (npm run test:package -- --write after a deliberate change)`,
  );
}
for (const path of packed) if (/(^|\/)cdn-classic\./.test(path)) fail(`internal build file packed: ${path}`);

// Source maps carry their sources.
for (const path of packed.filter((p) => p.endsWith('.map'))) {
  const map = JSON.parse(readFileSync(join(root, path), 'utf8'));
  const carried = (map.sourcesContent ?? []).filter((text) => typeof text === 'string').length;
  if (carried !== map.sources.length) fail(`${path}: ${carried} of ${map.sources.length} sources carried`);
}
console.log(
  `packed: ${packed.length} files, ${(pack.size / 1024).toFixed(1)} KB (${(pack.unpackedSize / 1024).toFixed(1)} KB unpacked)`,
);

// Plain Node.
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const entries = Object.entries(manifest.exports)
  .filter(([, target]) => typeof target === 'object' && target.default)
  .map(([name, target]) => [name, target.default]);
for (const [name, file] of entries) {
  const probe = `import(${JSON.stringify(join(root, file))}).then(() => {
    if (globalThis.customElements?.get?.('cif-kpi-logger')) throw new Error('registered an element');
  })`;
  try {
    execFileSync(process.execPath, ['--input-type=module', '-e', `await ${probe}`], { stdio: 'pipe' });
  } catch (error) {
    fail(
      `importing ${name} in Node: ${
        String(error.stderr || error.message)
          .split('\n')
          .find((l) => /^\w*Error\b/.test(l.trim())) ?? error.message
      }`,
    );
  }
}
console.log(`imported in plain Node: ${entries.map(([name]) => name).join(', ')}`);

// A consumer's bundle.
const app = await consumerBundle(join(root, manifest.exports['.'].default));
for (const { file, bytes } of app.files) {
  if (/litHtmlVersions|litElementVersions/.test(bytes.toString()))
    fail(`consumer bundle ${file} holds lit-html or LitElement`);
}
const { start, later } = app;
console.log(
  `consumer bundle (esbuild, minified, split): at start ${start.files} files, ${(start.min / 1024).toFixed(1)} KB, ${start.gzip} B gzip (budget ${CONSUMER_BUDGET_GZIP} B), ${start.brotli} B brotli; ${later.files} more files on demand, ${later.gzip} B gzip`,
);
if (start.gzip > CONSUMER_BUDGET_GZIP)
  fail(`consumer bundle at start ${start.gzip} B gzip > ${CONSUMER_BUDGET_GZIP} B`);

if (failures.length) {
  for (const message of failures) console.error(`package check failed: ${message}`);
  process.exit(1);
}
console.log('package check ok');
