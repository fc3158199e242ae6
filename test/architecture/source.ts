/** The project's own source text, served by the test server (scripts/source-for-tests.mjs). */
export async function sourceFiles(): Promise<string[]> {
  return (await fetch('/__source-files')).json() as Promise<string[]>;
}

const texts = new Map<string, Promise<string>>();

/** The text of one source file, fetched once per page (the files do not change during a run). */
export function sourceText(path: string): Promise<string> {
  if (!texts.has(path)) texts.set(path, fetchText(path));
  return texts.get(path)!;
}

async function fetchText(path: string): Promise<string> {
  const response = await fetch(`/__source?file=${encodeURIComponent(path)}`);
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.text();
}

const IMPORT =
  /\b(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Static imports and type references (`typeof import('…')`), without the dynamic `import()` that loads a part. */
const STATIC_IMPORT =
  /\b(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|\btypeof\s+import\(\s*['"]([^'"]+)['"]\s*\)/g;

/**
 * What a module imports (type-only imports too): project files as `src/…ts` paths, packages by name. With
 * `loads: false`, only what it needs to be compiled: the parts it loads on demand left out.
 */
export function importsOf(file: string, text: string, { loads = true } = {}): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(loads ? IMPORT : STATIC_IMPORT)) {
    const specifier = (match[1] ?? match[2])!;
    if (!specifier.startsWith('.')) {
      found.push(
        specifier
          .split('/')
          .slice(0, specifier.startsWith('@') ? 2 : 1)
          .join('/'),
      );
      continue;
    }
    const parts = file.split('/').slice(0, -1);
    for (const segment of specifier.split('/')) {
      if (segment === '..') parts.pop();
      else if (segment !== '.') parts.push(segment);
    }
    found.push(parts.join('/').replace(/\.js$/, '.ts'));
  }
  return found;
}
