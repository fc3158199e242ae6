// Angular components for the framework tests, compiled ahead of time as an Angular build compiles them: by
// @angular/compiler-cli (ngtsc), with strict template checking, so that an element the template does not know
// (a custom element without CUSTOM_ELEMENTS_SCHEMA) fails the compile, as it fails `ng build`. A request for a
// `*.component.ts` under test/frameworks/snippets/ is answered with the compiled JavaScript.
//
// The compiler takes seconds (a whole TypeScript program with Angular's typings) and would hold up every other
// request of the dev server meanwhile: it runs in a worker thread, started with the server, so that the
// components are compiled while the other test files run. With `--files` (one file, `npm run test:unit`) it
// starts only when a component is asked for.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

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

if (!isMainThread) {
  parentPort.postMessage(await compileAll(workerData.files));
}

/** Compiles `files` in a worker thread; resolves with what `compileAll` gives. */
function compileInWorker(files) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { files } });
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
  const compile = (files) => {
    const all = compileInWorker(files);
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
      const files = readdirSync(snippets)
        .filter((name) => name.endsWith('.component.ts'))
        .map((name) => join(snippets, name));
      compile(files);
      // Failures are said when a component is asked for.
      for (const file of files) compiled.get(key(file)).catch(() => {});
    },
    async serve(context) {
      if (!SNIPPET.test(context.path)) return undefined;
      const file = join(root, ...context.path.slice(1).split('/'));
      if (!compiled.has(key(file))) compile([file]);
      const { code, error } = await compiled.get(key(file));
      if (error) throw new Error(error);
      return { body: code, type: 'js' };
    },
  };
}
