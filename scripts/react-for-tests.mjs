// React publishes CommonJS only. The framework tests import `react-for-tests`, which the test server answers
// with an ES module that esbuild bundles from the installed react and react-dom on first request.
import { build } from 'esbuild';

const ENTRY = `
  export { createElement, useState } from 'react';
  export { flushSync } from 'react-dom';
  export { createRoot } from 'react-dom/client';
`;

let bundled;

export function reactForTests() {
  return {
    name: 'react-for-tests',
    resolveImport({ source }) {
      return source === 'react-for-tests' ? '/__react.js' : undefined;
    },
    async serve(context) {
      if (context.path !== '/__react.js') return undefined;
      bundled ??= build({
        stdin: { contents: ENTRY, resolveDir: process.cwd(), loader: 'js' },
        bundle: true,
        format: 'esm',
        write: false,
        define: { 'process.env.NODE_ENV': '"development"' },
        logLevel: 'silent',
      }).then((result) => result.outputFiles[0].text);
      return { body: await bundled, type: 'js' };
    },
  };
}
