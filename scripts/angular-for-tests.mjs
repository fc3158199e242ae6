// Angular for the framework tests, built ahead of time as an Angular build builds an app:
// - the components: a request for a `*.component.ts` under test/frameworks/snippets/ is answered with what
//   @angular/compiler-cli (ngtsc) makes of it, with strict template checking, so that an element the template does
//   not know (a custom element without CUSTOM_ELEMENTS_SCHEMA) fails the compile, as it fails `ng build`;
// - Angular itself: `@angular/core` and `@angular/platform-browser` are answered with one ES module (`/__angular.js`)
//   that esbuild bundles from the installed packages, linked by Angular's linker as `ng build` links them (they ship
//   partially compiled), so the page needs no JIT compiler.
//
// Each takes seconds and would hold up every other request of the dev server meanwhile: each runs in a worker thread,
// started with the server, while the other test files run. With `--files` (one file, `npm run test:unit`) they
// start only when asked for. Angular's bundle is made from installed packages alone: it is kept in the user's cache
// (scripts/user-cache.mjs) under what npm installed, and made again when that changes.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { cachedFile, installedTree, writeFile } from './user-cache.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const SNIPPET = /^\/test\/frameworks\/snippets\/[\w.-]+\.component\.ts$/;
const snippets = join(root, 'test', 'frameworks', 'snippets');

/** Compiles `files` (absolute paths) with ngtsc: for each, its JavaScript or the compiler's refusal. */
async function compileAll(files) {
  const { performCompilation } = await import('@angular/compiler-cli');
  const { default: ts } = await import('typescript');
  const options = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    experimentalDecorators: true,
    useDefineForClassFields: false,
    strict: true,
    strictTemplates: true,
    skipLibCheck: true,
    noEmitOnError: true,
    declaration: false,
    sourceMap: false,
    types: [],
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    rootDir: root,
    outDir: join(root, 'node_modules', '.cache', 'angular-for-tests'),
    paths: { 'cif-kpi-logger': [join(root, 'src', 'index.ts')] },
  };
  const results = {};
  for (const file of files) {
    const emitted = new Map();
    const host = ts.createCompilerHost(options);
    host.writeFile = (name, text) => emitted.set(ts.sys.resolvePath(name), text);
    // Checked and emitted as `ng build` checks and emits it, but only it: the package's source it imports
    // (`paths`) is read for its types, neither checked whole (lint's tsc does that) nor emitted.
    const { diagnostics } = performCompilation({
      rootNames: [file],
      options,
      host,
      gatherDiagnostics: (program) => {
        const source = program.getTsProgram().getSourceFile(file);
        const found = [...program.getTsOptionDiagnostics(), ...program.getNgOptionDiagnostics()];
        found.push(...program.getTsSyntacticDiagnostics(source), ...program.getTsSemanticDiagnostics(source));
        found.push(...program.getNgStructuralDiagnostics(), ...program.getNgSemanticDiagnostics(file));
        return found;
      },
      emitCallback: ({ program, writeFile, cancellationToken, customTransformers }) =>
        program.emit(program.getSourceFile(file), writeFile, cancellationToken, false, customTransformers),
    });
    if (diagnostics.length > 0) {
      const text = ts.formatDiagnostics(diagnostics, {
        getCanonicalFileName: (name) => name,
        getCurrentDirectory: () => root,
        getNewLine: () => '\n',
      });
      results[file] = { error: `Angular's compiler refused ${file}:\n${text}` };
      continue;
    }
    const out = ts.sys.resolvePath(join(options.outDir, file.slice(root.length).replace(/\.ts$/, '.js')));
    results[file] = { code: emitted.get(out) };
  }
  return results;
}

/** What the tests and the components import from Angular. */
const ANGULAR = `export * from '@angular/core'; export { createApplication } from '@angular/platform-browser';`;

/** Angular's packages that the tests use, linked and bundled as one ES module (its text). */
async function bundleAngular() {
  const [{ build }, { transformAsync }, { default: linker }] = await Promise.all([
    import('esbuild'),
    import('@babel/core'),
    import('@angular/compiler-cli/linker/babel'),
  ]);
  const link = async ({ path }) => {
    const code = readFileSync(path, 'utf8');
    if (!code.includes('ɵɵngDeclare')) return { contents: code, loader: 'js' };
    const linked = await transformAsync(code, { filename: path, plugins: [linker], babelrc: false, configFile: false });
    return { contents: linked.code, loader: 'js' };
  };
  const result = await build({
    stdin: { contents: ANGULAR, resolveDir: root, loader: 'js' },
    bundle: true,
    format: 'esm',
    write: false,
    logLevel: 'silent',
    plugins: [{ name: 'angular-linker', setup: (b) => b.onLoad({ filter: /[\\/]@angular[\\/].*\.mjs$/ }, link) }],
  });
  return result.outputFiles[0].text;
}

/**
 * Angular's bundle: from the cache, or made (in a worker) and kept there, under what it is made from (every package
 * npm installed, with its version, and how it is made). Without npm's record of what it installed, it is made each
 * run.
 */
function angularBundle() {
  const installed = installedTree();
  if (installed === undefined) return inWorker({});
  const hash = createHash('sha256').update([ANGULAR, bundleAngular.toString(), installed].join('\n'));
  const kind = 'angular-for-tests-';
  const name = `${kind}${hash.digest('hex').slice(0, 20)}.js`;
  const path = cachedFile(name);
  if (path) return Promise.resolve(readFileSync(path, 'utf8'));
  return inWorker({}).then((text) => {
    writeFile(name, text, kind);
    return text;
  });
}

if (!isMainThread) {
  parentPort.postMessage(workerData.files ? await compileAll(workerData.files) : await bundleAngular());
}

/** Runs this module in a worker thread with `data`; resolves with what it posts. */
function inWorker(data) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: data });
    worker.unref(); // a run that ends meanwhile does not wait for it
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the Angular compile worker exited (${code})`)));
  });
}

export function angularForTests() {
  /** Compiled components by `<file>@<mtime>`: a promise of `{ code }` or `{ error }`. */
  const compiled = new Map();
  const key = (file) => `${file}@${statSync(file).mtimeMs}`;
  let angular;
  const bundle = () => (angular ??= angularBundle());
  const compile = (files) => {
    const all = inWorker({ files });
    for (const file of files)
      compiled.set(
        key(file),
        all.then((results) => results[file]),
      );
  };
  return {
    name: 'angular-for-tests',
    serverStart() {
      if (process.argv.includes('--files')) return;
      bundle().catch(() => {}); // a failure is said when it is asked for
      const files = readdirSync(snippets)
        .filter((name) => name.endsWith('.component.ts'))
        .map((name) => join(snippets, name));
      compile(files);
      // Failures are said when a component is asked for.
      for (const file of files) compiled.get(key(file)).catch(() => {});
    },
    resolveImport({ source }) {
      if (source === '@angular/core' || source === '@angular/platform-browser') return '/__angular.js';
    },
    async serve(context) {
      if (context.path === '/__angular.js') return { body: await bundle(), type: 'js' };
      if (!SNIPPET.test(context.path)) return undefined;
      const file = join(root, ...context.path.slice(1).split('/'));
      if (!compiled.has(key(file))) compile([file]);
      const { code, error } = await compiled.get(key(file));
      if (error) throw new Error(error);
      return { body: code, type: 'js' };
    },
  };
}
