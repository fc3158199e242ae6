// The rollup plugins every script-tag bundle is made with: shared by rollup.config.mjs and the benchmark's
// Lit floor, so that both are bundled the same way.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';

export const bundlePlugins = ({ module = true } = {}) => [
  nodeResolve({ exportConditions: ['production'] }),
  esbuild({ target: 'es2022', tsconfig: './tsconfig.json' }),
  // A classic script shares the page's global scope: keep its top-level name (window.CifKpiLogger).
  terser({
    ecma: 2020,
    module,
    toplevel: module,
    format: { comments: false },
    compress: { passes: 2 },
    ...(process.env.NO_MINIFY ? { mangle: false, compress: false } : {}),
  }),
];

// Lit's packages declare no `sideEffects`; importing ReactiveElement through `lit` must not pull in lit-html.
export const treeshake = {
  moduleSideEffects: (id) => !/node_modules[\\/](lit|lit-html|lit-element|@lit[\\/]reactive-element)[\\/]/.test(id),
};
