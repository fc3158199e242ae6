// The script-tag bundles for the tests, built while the tests run: `npm test` starts web-test-runner at once, and
// dist/cdn is built beside it from the moment its configuration is read (scripts/build-cdn.mjs in a process of its
// own, so that the minifier does not hold up the server; it builds nothing when dist/cdn is newer than its
// sources). A test file that uses the bundles (it names `/dist/cdn/` or a page of test/pages/, or imports a test
// module that does) runs after the others (`testFiles()`), and the server answers it, and anything under
// /dist/cdn/, only once the bundles it may load are written: the classic script bundle is built last (the largest),
// and only the files that name `classic` (or the requests for it) wait for it. The wait comes before the file's
// tests start, so no test's time limit counts it. A build that fails fails those files, with the build's output.
// With `--files` (`npm run test:unit`, `npm run test:model`) the build starts only when something asks for it.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tests = join(root, 'test');
const NAMES_BUNDLES = /\/dist\/cdn\/|\/test\/pages\//;
const NAMES_CLASSIC = /classic/;
/** What the build writes before the classic bundle: what every other test file and request may load. */
const MODULE_OUTPUTS = ['dist/cdn/cif-kpi-logger.js', 'dist/cdn/cif-kpi-stub.js', 'dist/cdn/simulated-cif-host.js'];
const RELATIVE_IMPORT = /\b(?:from|import)\s*\(?\s*['"](\.\.?\/[^'"]+)['"]/g;

/** Whether a test module (an absolute path), or a test module it imports, says what `names` matches. */
function usesBundles(file, names = NAMES_BUNDLES, seen = new Set()) {
  if (seen.has(file)) return false;
  seen.add(file);
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  if (names.test(text)) return true;
  for (const [, specifier] of text.matchAll(RELATIVE_IMPORT)) {
    const target = join(dirname(file), specifier.replace(/\.js$/, '.ts'));
    if (target.startsWith(tests + sep) && usesBundles(target, names, seen)) return true;
  }
  return false;
}

/**
 * Every `.test.ts` file under test/ (relative, with `/`), in the order they are to start: first those that do not
 * use the bundles, the tests of the plain modules (test/<folder>/, on a fake clock: a machine busy building does not
 * change what they see) before the others; then those that use the bundles, those that load the classic one (built
 * last) at the end. Within each part, those named in `first` (the slowest) lead, so that the run does not end on one
 * long file. The order only changes how long the run takes.
 */
export function testFiles({ first = [] } = {}) {
  const all = readdirSync(tests, { recursive: true })
    .map((name) => relative(root, join(tests, name)).split(sep).join('/'))
    .filter((name) => name.endsWith('.test.ts'))
    .sort();
  const rank = (file) => (first.includes(file) ? first.indexOf(file) : first.length);
  const ordered = (files) => files.sort((a, b) => rank(a) - rank(b));
  const built = all.filter((file) => usesBundles(join(root, file)));
  const classic = built.filter((file) => usesBundles(join(root, file), NAMES_CLASSIC));
  const others = all.filter((file) => !built.includes(file));
  const unit = others.filter((file) => file.split('/').length > 2 && !file.startsWith('test/frameworks/'));
  return [
    ...unit,
    ...ordered(others.filter((file) => !unit.includes(file))),
    ...ordered(built.filter((file) => !classic.includes(file))),
    ...ordered(classic),
  ];
}

/**
 * Runs scripts/build-cdn.mjs once: `all` resolves when it has succeeded, `modules` once what it writes before the
 * classic bundle is written (or nothing needed building); both reject with its output when it has failed.
 */
function buildOnce() {
  let modulesWritten;
  const modules = new Promise((resolve) => (modulesWritten = resolve));
  const all = new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'scripts', 'build-cdn.mjs')], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const written = [...output.matchAll(/^written (.+)$/gm)].map(([, file]) => file.split(sep).join('/'));
      if (MODULE_OUTPUTS.every((file) => written.includes(file))) modulesWritten();
    });
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(output.trim());
      else reject(new Error(`scripts/build-cdn.mjs failed (exit code ${code}):\n${output}`));
    });
  });
  return { all, modules: Promise.race([modules, all]) };
}

/** The dev server's part: a plugin that starts the build, and a middleware (to go first) that holds requests. */
export function cdnForTests() {
  let built;
  let logger = console;
  /** The build, started at the first call; what it printed is said once it has finished. */
  const build = () => {
    if (!built) {
      built = buildOnce();
      built.all.then(
        (output) => logger.log(output.replace(/^written .*\n?/gm, '').trim()),
        (error) => logger.error(error.message),
      );
    }
    return built;
  };
  // Started as the configuration is read (unless `--files`), not when the server starts: it then runs while the
  // test browser is made ready (on a fresh clone, unpacking Chromium takes a couple of seconds).
  if (!process.argv.includes('--files')) build().all.catch(() => {}); // said by build(), and to each file held
  const held = new Map();
  /**
   * What a request must wait for: nothing, the bundles but the classic one (`modules`), or the whole build (`all`):
   * a path under /dist/cdn/, or a test file that uses the bundles, and names `classic` for the whole build.
   */
  const waits = (path) => {
    if (path.includes('/dist/cdn/')) return NAMES_CLASSIC.test(path) ? 'all' : 'modules';
    if (!path.endsWith('.test.ts') || path.includes('..')) return undefined;
    if (!held.has(path)) {
      const file = join(root, ...path.slice(1).split('/'));
      held.set(path, usesBundles(file) ? (usesBundles(file, NAMES_CLASSIC) ? 'all' : 'modules') : undefined);
    }
    return held.get(path);
  };
  return {
    plugin: {
      name: 'cdn-for-tests',
      serverStart(server) {
        logger = server.logger;
      },
    },
    async middleware(context, next) {
      const wait = waits(context.path);
      if (wait) {
        try {
          await build()[wait];
        } catch (error) {
          context.status = 500;
          context.body = error.message;
          return;
        }
      }
      await next();
    },
  };
}
