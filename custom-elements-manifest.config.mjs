// `npm run analyze` writes custom-elements.json from the JSDoc of the elements (attributes, properties,
// events with their detail types, parts, custom properties).
export default {
  globs: ['src/cif-kpi-logger.ts', 'src/capture/kpi-rule-element.ts', 'src/define.ts'],
  outdir: '.',
  litelement: true,
};
