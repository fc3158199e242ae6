// `npm start`: serves the demo with the freshly built bundles at http://localhost:8000/demo/.
export default {
  rootDir: '.',
  port: Number(process.env.PORT ?? 8000),
  watch: false,
  nodeResolve: false,
  middleware: [
    function demoAtRoot(context, next) {
      if (context.path === '/') return context.redirect('/demo/');
      return next();
    },
  ],
};
