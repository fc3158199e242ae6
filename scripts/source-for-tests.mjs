// Serves the project's own source text to the test browser, for tests that check the code's shape (the import
// graph) and that its lists agree (attributes in the JSDoc, the README and the JSX typings):
// - `/__exists?file=<path>`: whether that file or folder of the project exists (for the docs' links);
// - `/__source-files`: a JSON array of every `.ts` file under src/, relative to the project;
// - `/__source?file=<path>`: the raw text of one of them, or of a framework snippet under test/frameworks/snippets/
//   (the dev server itself serves `.ts` compiled to JavaScript, and compiles any response whose path ends in `.ts`).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
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

/** The framework snippets the docs show, as written (the dev server serves them compiled). */
function snippetFiles() {
  const dir = join(root, 'test/frameworks/snippets');
  return readdirSync(dir).map((name) => relative(root, join(dir, name)));
}

export function sourceForTests() {
  return {
    name: 'source-for-tests',
    serve(context) {
      if (context.path === '/__source-files') return { body: JSON.stringify(sourceFiles()), type: 'json' };
      if (context.path === '/__exists') {
        // Whether a path inside the project is a file or folder: what a link in the docs may point to.
        const path = join(root, context.URL.searchParams.get('file') ?? '');
        const inside = path.startsWith(root) && !relative(root, path).startsWith('..');
        return { body: JSON.stringify(inside && existsSync(path)), type: 'json' };
      }
      if (context.path !== '/__source') return undefined;
      const path = context.URL.searchParams.get('file') ?? '';
      if (!sourceFiles().includes(path) && !snippetFiles().includes(path))
        return { status: 404, body: 'not a source file' };
      return { body: readFileSync(join(root, path), 'utf8'), type: 'txt' };
    },
  };
}
