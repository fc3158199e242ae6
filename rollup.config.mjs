// Script-tag bundles with Lit inlined. The npm entry points are plain `tsc` output (see `npm run build`).
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';

const plugins = ({ module = true } = {}) => [
  nodeResolve({ exportConditions: ['production'] }),
  esbuild({ target: 'es2022', tsconfig: './tsconfig.json' }),
  // A classic script shares the page's global scope: keep its top-level name (window.CifKpiLogger).
  terser({ ecma: 2020, module, toplevel: module, format: { comments: false }, compress: { passes: 2 } }),
];

// Lit's packages declare no `sideEffects`; importing ReactiveElement through `lit` must not pull in lit-html.
const treeshake = {
  moduleSideEffects: (id) => !/node_modules[\\/](lit|lit-html|lit-element|@lit[\\/]reactive-element)[\\/]/.test(id),
};

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
    input: 'src/testing/simulated-cif-host.ts',
    output: { file: 'dist/cdn/simulated-cif-host.js', format: 'es', sourcemap: true },
    plugins: plugins(),
    treeshake,
  },
];
