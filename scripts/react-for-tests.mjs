// React publishes CommonJS only. The framework tests import `react-for-tests`, which the test server answers
// with an ES module that esbuild bundles from the installed react and react-dom as the server starts; JSX compiled
// with the automatic runtime imports `react/jsx-runtime`, answered from that same bundle. The framework snippets import
// the package by its name (`import 'cif-kpi-logger'`), answered with the source.
import { build } from 'esbuild';

const ENTRY = `
  export { createElement, useState } from 'react';
  export { flushSync } from 'react-dom';
  export { createRoot } from 'react-dom/client';
  export { jsx, jsxs, Fragment } from 'react/jsx-runtime';
  export { jsxDEV } from 'react/jsx-dev-runtime';
`;
/** What JSX compiles to (the automatic runtime), answered from the same bundle so that there is one React. */
const JSX_RUNTIME = `export { jsx, jsxs, jsxDEV, Fragment } from '/__react.js';`;
/** The package's own entry points, as an app imports them, answered from the source. */
const PACKAGE = {
  'cif-kpi-logger': '/src/index.ts',
  'cif-kpi-logger/react': '/src/react-jsx.ts',
  'cif-kpi-logger/vue': '/src/vue-components.ts',
};

let bundled;

/** React and react-dom as one ES module (esbuild, in its own process), made once. */
function bundle() {
  bundled ??= build({
    stdin: { contents: ENTRY, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    format: 'esm',
    write: false,
    define: { 'process.env.NODE_ENV': '"development"' },
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0].text);
  return bundled;
}

export function reactForTests() {
  return {
    name: 'react-for-tests',
    // Made while the first test files run, so that the React tests do not wait for it; with `--files` (one file,
    // `npm run test:unit`) only when asked for.
    serverStart() {
      if (!process.argv.includes('--files')) bundle().catch(() => {}); // a failure is said when it is asked for
    },
    resolveImport({ source }) {
      if (source === 'react-for-tests') return '/__react.js';
      if (source === 'react/jsx-runtime' || source === 'react/jsx-dev-runtime') return '/__react-jsx.js';
      return PACKAGE[source];
    },
    async serve(context) {
      if (context.path === '/__react-jsx.js') return { body: JSX_RUNTIME, type: 'js' };
      if (context.path !== '/__react.js') return undefined;
      return { body: await bundle(), type: 'js' };
    },
  };
}
