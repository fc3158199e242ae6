// Script-tag bundles with Lit inlined. The npm entry points are plain `tsc` output (see `npm run build`).
import { bundlePlugins as plugins, treeshake } from './scripts/bundle-plugins.mjs';

export default [
  {
    input: 'src/define.ts',
    // The debug inspector is a chunk of its own, loaded next to the bundle only when `debug` is turned on.
    output: {
      dir: 'dist/cdn',
      entryFileNames: 'cif-kpi-logger.js',
      chunkFileNames: 'cif-kpi-logger-[name]-[hash].js',
      format: 'es',
      sourcemap: true,
    },
    // The entry may export more than define.ts does: the chunks import what they share with it from it.
    preserveEntrySignatures: 'allow-extension',
    plugins: plugins(),
    treeshake,
  },
  {
    input: 'src/cdn-classic.ts',
    output: {
      file: 'dist/cdn/cif-kpi-logger.classic.js',
      format: 'iife',
      name: 'CifKpiLogger',
      sourcemap: true,
      inlineDynamicImports: true,
    },
    plugins: plugins({ module: false }),
    treeshake,
  },
  {
    // The stub a page puts in <head>: what happens before the bundle has loaded.
    input: 'src/stub.ts',
    // Not strict: nothing in it needs strict mode, and the page inlines every byte.
    output: { file: 'dist/cdn/cif-kpi-stub.js', format: 'iife', strict: false },
    plugins: plugins({ module: false }),
    treeshake,
  },
  {
    input: 'src/testing/simulated-cif-host.ts',
    output: { file: 'dist/cdn/simulated-cif-host.js', format: 'es', sourcemap: true },
    plugins: plugins(),
    treeshake,
  },
];
