// Script-tag bundles with Lit inlined. The npm entry points are plain `tsc` output (see `npm run build`).
import { resolve } from 'node:path';
import { bundlePlugins as plugins, treeshake } from './scripts/bundle-plugins.mjs';

const WORDS = [
  'src/report/diagnostics.ts',
  'src/report/console-log.ts',
  'src/report/problem-count.ts',
  'src/report/stall-reasons.ts',
  'src/persist/storage-problems.ts',
  'src/deliver/host-errors.ts',
  'src/capture/capture-advice.ts',
  'src/queue/option-problems.ts',
];

/**
 * The script-tag bundle's chunks: what the entry imports statically, through any path, stays in it (a manual chunk
 * would otherwise take its modules' dependencies along), and the words that explain are one chunk.
 */
function chunks() {
  let core;
  return (id, { getModuleInfo }) => {
    if (!core) {
      core = new Set();
      const visit = (module) => {
        if (core.has(module)) return;
        core.add(module);
        for (const imported of getModuleInfo(module)?.importedIds ?? []) visit(imported);
      };
      visit(resolve('src/define.ts'));
    }
    if (core.has(id)) return 'core';
    return WORDS.some((path) => id.endsWith(path)) ? 'words' : undefined;
  };
}

export default [
  {
    input: 'src/define.ts',
    // The debug inspector is a chunk of its own, loaded next to the bundle only when `debug` is turned on.
    output: {
      dir: 'dist/cdn',
      entryFileNames: 'cif-kpi-logger.js',
      chunkFileNames: 'cif-kpi-logger-[name]-[hash].js',
      // The words that explain (console lines, option problems, capture advice, stall reasons, the host's and
      // storage's faults) are one chunk: loaded the first time the logger has something to explain, whatever it is.
      manualChunks: chunks(),
      format: 'es',
      sourcemap: true,
    },
    // The entry may export more than define.ts does: the chunks import what they share with it from it.
    preserveEntrySignatures: 'allow-extension',
    plugins: plugins(),
    treeshake,
  },
  {
    // The stub a page puts in <head>: what happens before the bundle has loaded.
    input: 'src/stub.ts',
    // Not strict: nothing in it needs strict mode, and the page inlines every byte.
    output: { file: 'dist/cdn/cif-kpi-stub.js', format: 'iife', strict: false },
    plugins: plugins(),
    treeshake,
  },
  {
    input: 'src/testing/simulated-cif-host.ts',
    output: { file: 'dist/cdn/simulated-cif-host.js', format: 'es', sourcemap: true },
    plugins: plugins(),
    treeshake,
  },
  {
    // Last: the largest, and only a few tests load it (scripts/cdn-for-tests.mjs lets the others start
    // before it is written).
    input: 'src/cdn-classic.ts',
    output: {
      file: 'dist/cdn/cif-kpi-logger.classic.js',
      format: 'iife',
      name: 'CifKpiLogger',
      sourcemap: true,
      inlineDynamicImports: true,
    },
    plugins: plugins(),
    treeshake,
  },
];
