// Vue single-file components for the framework tests: a `.vue` file is compiled as @vitejs/plugin-vue compiles it
// (vue/compiler-sfc: `<script setup>` with its template inlined), with the compiler options the documented
// vite.config.ts gives the plugin, read from that file; TypeScript is then stripped by esbuild. Templates that
// name an unknown component make the compile fail, as a Vite build warns. `vue` is answered with Vue's browser
// build, the one the tests import, so that there is one Vue.
import { readFileSync } from 'node:fs';
import { transform } from 'esbuild';
import { compileScript, parse } from 'vue/compiler-sfc';

const root = new URL('..', import.meta.url).pathname;
const VUE = '/node_modules/vue/dist/vue.esm-browser.js';

/** The `isCustomElement` of the documented vite.config.ts, taken from its text. */
function documentedCompilerOptions() {
  const config = readFileSync(`${root}test/frameworks/snippets/vite.config.ts`, 'utf8');
  const found = /isCustomElement: (\(tag\) => [^}]*?) \}/.exec(config);
  if (!found) throw new Error('test/frameworks/snippets/vite.config.ts has no isCustomElement');
  return { isCustomElement: new Function(`return ${found[1]}`)() };
}

export function vueForTests() {
  return {
    name: 'vue-for-tests',
    resolveMimeType(context) {
      return context.path.endsWith('.vue') ? 'js' : undefined;
    },
    resolveImport({ source, context }) {
      if (source === 'vue' && context.path.endsWith('.vue')) return VUE;
      return undefined;
    },
    async transform(context) {
      if (!context.path.endsWith('.vue')) return undefined;
      // As the plugin does, the options reach the template's parse too: that is where a tag becomes an element.
      const compilerOptions = documentedCompilerOptions();
      const { descriptor, errors } = parse(context.body, {
        filename: context.path,
        templateParseOptions: compilerOptions,
      });
      if (errors.length) throw errors[0];
      const warnings = [];
      const script = compileScript(descriptor, {
        id: context.path,
        inlineTemplate: true,
        templateOptions: { compilerOptions: { ...compilerOptions, onWarn: (w) => warnings.push(w) } },
      });
      if (warnings.length) throw new Error(`${context.path}: ${warnings.map((w) => w.message).join('; ')}`);
      const { code } = await transform(script.content, { loader: 'ts', target: 'esnext' });
      return { body: code.replace(/from ['"]vue['"]/g, `from '${VUE}'`) };
    },
  };
}
