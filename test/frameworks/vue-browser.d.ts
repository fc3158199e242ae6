// The browser build of Vue (compiler included, no bundler flags needed) has the same API as `vue`.
declare module 'vue/dist/vue.esm-browser.js' {
  export * from 'vue';
}
