// Script-tag bundles with Lit inlined. The npm entry points are plain `tsc` output (see `npm run build`).
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';

const plugins = () => [
  nodeResolve({ exportConditions: ['production'] }),
  esbuild({ target: 'es2022', tsconfig: './tsconfig.json' }),
  terser({ ecma: 2020, module: true, format: { comments: false }, compress: { passes: 2 } }),
];

export default [
  {
    input: 'src/define.ts',
    output: { file: 'dist/cdn/cif-kpi-logger.js', format: 'es', sourcemap: true },
    plugins: plugins(),
  },
  {
    input: 'src/cdn-classic.ts',
    output: { file: 'dist/cdn/cif-kpi-logger.classic.js', format: 'iife', name: 'CifKpiLogger', sourcemap: true },
    plugins: plugins(),
  },
  {
    input: 'src/testing/simulated-cif-host.ts',
    output: { file: 'dist/cdn/simulated-cif-host.js', format: 'es', sourcemap: true },
    plugins: plugins(),
  },
];
