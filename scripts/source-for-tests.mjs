// Serves the project's own source text to the test browser, for tests that check the code's shape (the import
// graph) and that its lists agree (attributes in the JSDoc, the README and the JSX typings):
// - `/__source-files`: a JSON array of every `.ts` file under src/, relative to the project;
// - `/__source?file=<path>`: the raw text of one of them (the dev server itself serves `.ts` compiled to
//   JavaScript, and compiles any response whose path ends in `.ts`).
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function sourceFiles(dir = join(root, 'src')) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [relative(root, join(dir, entry.name))]
        : [],
  );
}

export function sourceForTests() {
  return {
    name: 'source-for-tests',
    serve(context) {
      if (context.path === '/__source-files') return { body: JSON.stringify(sourceFiles()), type: 'json' };
      if (context.path !== '/__source') return undefined;
      const path = context.URL.searchParams.get('file') ?? '';
      if (!sourceFiles().includes(path)) return { status: 404, body: 'not a source file' };
      return { body: readFileSync(join(root, path), 'utf8'), type: 'txt' };
    },
  };
}
