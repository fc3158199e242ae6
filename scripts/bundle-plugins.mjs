// The rollup plugins every script-tag bundle is made with: shared by rollup.config.mjs and the benchmark's
// Lit floor, so that both are bundled the same way.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import esbuild, { minify } from 'rollup-plugin-esbuild';

export const bundlePlugins = () => [
  nodeResolve({ exportConditions: ['production'] }),
  esbuild({ target: 'es2022', tsconfig: './tsconfig.json' }),
  // Minified by esbuild, per chunk and in the chunk's format (a classic script keeps its top-level name,
  // window.CifKpiLogger). Lit's license comments are left out: LICENSE carries Lit's notice.
  ...(process.env.NO_MINIFY ? [] : [minify({ target: 'es2022', legalComments: 'none' })]),
];

// Lit's packages declare no `sideEffects`; importing ReactiveElement through `lit` must not pull in lit-html.
export const treeshake = {
  moduleSideEffects: (id) => !/node_modules[\\/](lit|lit-html|lit-element|@lit[\\/]reactive-element)[\\/]/.test(id),
};
