// `npm run analyze` writes custom-elements.json from the JSDoc of the elements (attributes, properties,
// events with their detail types, parts, custom properties).
//
// The logger declares most of its properties from shared lists (`declare(CALL_FIELDS, …)`), which the analyzer
// cannot read; its `@attr` tags name the attributes. This plugin links each such attribute to its field (the
// camel-case form of its name) and gives it the field's type, as the analyzer does for literal declarations.
const camel = (name) => name.replace(/-([a-z])/g, (_, letter) => letter.toUpperCase());

function linkAttributesToFields() {
  return {
    name: 'link-attributes-to-fields',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          // `<cif-kpi-rule>` extends HTMLElement through a constant that stands in for it outside a browser.
          if (declaration.superclass?.name === 'ElementBase') {
            declaration.superclass = { name: 'HTMLElement', package: 'global:' };
          }
          for (const attribute of declaration.attributes ?? []) {
            if (attribute.fieldName) continue;
            const field = declaration.members?.find(
              (member) => member.kind === 'field' && member.name === camel(attribute.name),
            );
            if (!field) continue;
            attribute.fieldName = field.name;
            field.attribute = attribute.name;
            if (!attribute.type && field.type) attribute.type = field.type;
          }
        }
      }
    },
  };
}

export default {
  globs: ['src/cif-kpi-logger.ts', 'src/capture/kpi-rule-element.ts', 'src/define.ts'],
  outdir: '.',
  litelement: true,
  plugins: [linkAttributesToFields()],
};
