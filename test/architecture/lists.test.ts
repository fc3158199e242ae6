import { expect } from '@open-wc/testing';
import '../../src/define.js';
import { CifKpiLoggerElement } from '../../src/cif-kpi-logger.js';
import { RULE_ATTRIBUTES } from '../../src/capture/markup-attributes.js';
import { DEFAULTS } from '../../src/queue/delivery-options.js';
import { version } from '../../src/index.js';
import { CifKpiRuleElement } from '../../src/capture/kpi-rule-element.js';
import { sourceText } from './source.js';

/**
 * Each list has one source; the copies written for people (JSDoc that feeds custom-elements.json, the README,
 * the React JSX typings) are checked against it here.
 */

/** The logger's attributes, from its property declarations. */
function loggerAttributes(): string[] {
  // Lit's default attribute is the property name in lower case (`scope`).
  return [...CifKpiLoggerElement.elementProperties].map(([property, { attribute }]) =>
    typeof attribute === 'string' ? attribute : String(property).toLowerCase(),
  );
}

const cells = (line: string) =>
  line
    .split('|')
    .slice(1, -1)
    .map((cell) => cell.trim());

/** The cells of each row of the first markdown table whose header cells are `headers`. */
function tableRows(markdown: string, headers: string[]): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.startsWith('|') && cells(line).join() === headers.join());
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(cells(line));
  }
  return rows;
}

/**
 * The `code` names in column `column` of the first markdown table after the line that starts with `after` whose
 * header cells are `headers`.
 */
function tableColumn(markdown: string, headers: string[], column = 0, after = ''): string[] {
  const lines = markdown.split('\n');
  const from = lines.findIndex((line) => line.startsWith(after));
  const start = lines.findIndex(
    (line, index) => index > from && line.startsWith('|') && cells(line).join() === headers.join(),
  );
  if (start < 0) throw new Error(`no table | ${headers.join(' | ')} |`);
  const names: string[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    names.push(...[...cells(line)[column]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
  }
  return names;
}

const jsdocTags = (text: string, tag: string) =>
  [...text.matchAll(new RegExp(`@${tag} (?:\\{[^}]*\\} )?([\\w-]+) -`, 'g'))].map((m) => m[1]!);

describe('one source for each list', () => {
  it('the logger attributes: JSDoc, docs table and JSX typings match its property declarations', async () => {
    const attributes = loggerAttributes();
    expect(attributes).to.include.members(['conversation-id', 'flush-delay', 'no-persist', 'debug']);
    const element = await sourceText('src/cif-kpi-logger.ts');
    expect(jsdocTags(element, 'attr')).to.have.members(attributes);
    const properties = [...CifKpiLoggerElement.elementProperties.keys()];
    expect(jsdocTags(element, 'property')).to.have.members(properties);
    const readme = await (await fetch('/docs/attributes.md')).text();
    const table = ['attribute', 'property', 'default', 'meaning'];
    expect(tableColumn(readme, table)).to.have.members(attributes);
    expect(tableColumn(readme, table, 1)).to.have.members(properties);
    // The JSX and Vue typings map the property table's keys (kebab-cased for JSX, as `Kebab<K>` does) and the event
    // table: each attribute must be its property's name kebab-cased, and neither file may list them by hand.
    const kebab = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    expect(attributes).to.deep.equal(properties.map((name) => kebab(String(name))));
    for (const file of ['src/react-jsx.ts', 'src/vue-components.ts']) {
      const text = await sourceText(file);
      expect(text, file).to.include('[K in CifKpiLoggerProperty').and.include('in keyof CifKpiLoggerEventMap');
      expect(text, file).not.to.match(/'?(conversation-?[iI]d|flush-?[dD]elay|cif-kpi-sent)'?\??:/);
    }
  });

  it('the delivery defaults: the docs table, the JSDoc and the declarations say what DEFAULTS holds', async () => {
    const readme = await (await fetch('/docs/attributes.md')).text();
    const table = ['attribute', 'property', 'default', 'meaning'];
    const element = await sourceText('src/cif-kpi-logger.ts');
    for (const [name, value] of Object.entries(DEFAULTS)) {
      const row = tableRows(readme, table).find((cells) => cells[1] === `\`${name}\``);
      expect(row?.[2], `README default of ${name}`).to.equal(`\`${value}\``);
      expect(element, `JSDoc of ${name}`).to.match(
        new RegExp(`@property \\{number\\} ${name} - .*default ${value}\\.`),
      );
      expect(element, `declaration of ${name}`).to.match(new RegExp(`Default ${value}[ .]`));
    }
  });

  it('the rule attributes: the element, its JSDoc, the docs table and the JSX typings match one list', async () => {
    expect(CifKpiRuleElement.observedAttributes).to.deep.equal([...RULE_ATTRIBUTES]);
    const element = await sourceText('src/capture/kpi-rule-element.ts');
    expect(jsdocTags(element, 'attr')).to.have.members([...RULE_ATTRIBUTES]);
    const readme = await (await fetch('/docs/markup.md')).text();
    const table = tableColumn(readme, ['attribute', 'meaning'], 0, '## 3. `<cif-kpi-rule>`');
    expect(table.filter((name) => name !== 'custom-ATTRIBUTE')).to.have.members([...RULE_ATTRIBUTES]);
    for (const file of ['src/react-jsx.ts', 'src/vue-components.ts']) {
      expect(await sourceText(file), file).to.include('in (typeof RULE_ATTRIBUTES)[number]');
    }
  });

  it('the version: the one exported is the package version', async () => {
    const { version: packaged } = (await (await fetch('/package.json')).json()) as { version: string };
    expect(version).to.equal(packaged);
  });

  it('the error and warning codes: the docs table matches the code types', async () => {
    const problems = await sourceText('src/vocabulary/problems.ts');
    const codes = [...problems.matchAll(/^\s+\| '([\w-]+)'/gm)].map((m) => m[1]!);
    expect(codes).to.include.members(['invalid-detail', 'host-timeout', 'value-truncated']);
    const readme = await (await fetch('/docs/events.md')).text();
    expect(tableColumn(readme, ['code', 'kind', 'meaning'])).to.have.members(codes);
  });
});
