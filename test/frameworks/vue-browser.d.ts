// The browser build of Vue (compiler included, no bundler flags needed) has the same API as `vue`.
declare module 'vue/dist/vue.esm-browser.js' {
  export * from 'vue';
}

// Single-file components, compiled by the test server (scripts/vue-for-tests.mjs).
declare module '*.vue' {
  import type { Component } from 'vue';
  const component: Component;
  export default component;
}
