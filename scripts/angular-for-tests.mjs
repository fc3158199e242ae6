// Angular components for the framework tests, compiled ahead of time as an Angular build compiles them: by
// @angular/compiler-cli (ngtsc), with strict template checking, so that an element the template does not know
// (a custom element without CUSTOM_ELEMENTS_SCHEMA) fails the compile, as it fails `ng build`. A request for a
// `*.component.ts` under test/frameworks/snippets/ is answered with the compiled JavaScript.
import { statSync } from 'node:fs';
import { performCompilation } from '@angular/compiler-cli';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;
const SNIPPET = /^\/test\/frameworks\/snippets\/[\w.-]+\.component\.ts$/;

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
  outDir: `${root}node_modules/.cache/angular-for-tests`,
  paths: { 'cif-kpi-logger': [`${root}src/index.ts`] },
};

const compiled = new Map();

function compile(file) {
  const emitted = new Map();
  const host = ts.createCompilerHost(options);
  host.writeFile = (name, text) => emitted.set(name, text);
  const { diagnostics } = performCompilation({ rootNames: [file], options, host });
  if (diagnostics.length > 0) {
    const text = ts.formatDiagnostics(diagnostics, {
      getCanonicalFileName: (name) => name,
      getCurrentDirectory: () => root,
      getNewLine: () => '\n',
    });
    throw new Error(`Angular's compiler refused ${file}:\n${text}`);
  }
  const out = `${options.outDir}/${file.slice(root.length).replace(/\.ts$/, '.js')}`;
  return emitted.get(out);
}

export function angularForTests() {
  return {
    name: 'angular-for-tests',
    serve(context) {
      if (!SNIPPET.test(context.path)) return undefined;
      const file = `${root}${context.path.slice(1)}`;
      const key = `${file}@${statSync(file).mtimeMs}`;
      if (!compiled.has(key)) compiled.set(key, compile(file));
      return { body: compiled.get(key), type: 'js' };
    },
  };
}
