import { expect } from '@open-wc/testing';
import { importsOf, sourceFiles, sourceText } from './source.js';

/**
 * The layout tells an event's path, and lower layers never import upper ones: the shared vocabulary imports
 * nothing; normalise, queue, persist and deliver import neither Lit nor the DOM-facing capture, report or element
 * modules; capture hands what it hears to a callback and knows no queue; the logger wires every layer into one pipeline,
 * and only the element sits above it. Type-only imports count too.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  vocabulary: [],
  normalise: ['vocabulary'],
  deliver: ['vocabulary', 'normalise'],
  queue: ['vocabulary', 'normalise', 'deliver'],
  persist: ['vocabulary', 'normalise', 'queue'],
  capture: ['vocabulary', 'normalise'],
  report: ['vocabulary', 'normalise', 'queue'],
  testing: ['vocabulary'],
  logger: ['vocabulary', 'normalise', 'deliver', 'queue', 'persist', 'capture', 'report'],
};

/** `src/queue/delivery-queue.ts` → `queue`; top-level files are the element and its entry points. */
function layerOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 2 ? parts[1]! : 'top';
}

describe('the import graph', () => {
  let graph: Map<string, string[]>;

  before(async () => {
    graph = new Map();
    const files = await sourceFiles();
    const texts = await Promise.all(files.map(sourceText));
    files.forEach((file, at) => graph.set(file, importsOf(file, texts[at]!)));
  });

  it('is read from every source module', () => {
    expect([...graph.keys()]).to.include.members([
      'src/cif-kpi-logger.ts',
      'src/vocabulary/problems.ts',
      'src/capture/capture-controller.ts',
    ]);
    expect(graph.get('src/cif-kpi-logger.ts')).to.include.members([
      '@lit/reactive-element',
      'src/logger/kpi-logger.ts',
    ]);
  });

  it('keeps each layer to the layers below it', () => {
    const wrong: string[] = [];
    for (const [file, imports] of graph) {
      const layer = layerOf(file);
      const allowed = MAY_IMPORT[layer];
      if (!allowed) continue;
      for (const target of imports) {
        const targetLayer = target.startsWith('src/') ? layerOf(target) : `package ${target}`;
        if (targetLayer !== layer && !allowed.includes(targetLayer)) wrong.push(`${file} imports ${target}`);
      }
    }
    expect(wrong).to.deep.equal([]);
  });

  it('imports Lit only in the element', () => {
    const litUsers = [...graph]
      .filter(([, imports]) => imports.some((target) => target === 'lit' || target.startsWith('@lit')))
      .map(([file]) => file);
    expect(litUsers).to.deep.equal(['src/cif-kpi-logger.ts']);
  });

  it('has no module that imports nothing of the project yet is imported by nobody', () => {
    const imported = new Set([...graph.values()].flat());
    const entries = [
      'src/index.ts',
      'src/define.ts',
      'src/cdn-classic.ts',
      'src/react-jsx.ts',
      'src/vue-components.ts',
      'src/stub.ts',
    ];
    const testing = [...graph.keys()].filter((file) => file.startsWith('src/testing/'));
    const orphans = [...graph.keys()].filter(
      (file) => !imported.has(file) && !entries.includes(file) && !testing.includes(file),
    );
    expect(orphans).to.deep.equal([]);
  });

  it('has no import cycle', async () => {
    const imports = new Map<string, string[]>();
    for (const file of graph.keys()) imports.set(file, importsOf(file, await sourceText(file), { loads: false }));
    const cycles: string[] = [];
    const done = new Set<string>();
    const visit = (file: string, path: string[]) => {
      if (path.includes(file)) return void cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
      if (done.has(file)) return;
      for (const target of imports.get(file) ?? []) visit(target, [...path, file]);
      done.add(file);
    };
    for (const file of imports.keys()) visit(file, []);
    expect(cycles).to.deep.equal([]);
  });

  it('loads parts on demand only through lazy(): every import() is one', async () => {
    const loads: string[] = [];
    for (const file of graph.keys()) {
      const text = await sourceText(file);
      for (const match of text.matchAll(/(.{0,20})\bimport\(/g)) {
        if (/typeof\s+$/.test(match[1]!) || /^\s*(\*|\/\/)/.test(match[1]!)) continue;
        if (!/lazy\(\(\) => $/.test(match[1]!)) loads.push(`${file}: ${match[0]}`);
      }
    }
    expect(loads).to.deep.equal([]);
    const parts = [...graph].filter(([, imports]) => imports.includes('src/vocabulary/lazy.ts'));
    expect(parts.length).to.be.at.least(8);
  });

  it('knows the storage keys in the stored format alone', async () => {
    const knowing: string[] = [];
    for (const file of graph.keys()) {
      if ((await sourceText(file)).includes('cif-kpi-logger:')) knowing.push(file);
    }
    expect(knowing).to.deep.equal(['src/persist/stored-format.ts']);
  });
});
