// Prints the minified and gzip sizes of the script-tag bundles and of the ES bundle's lazily loaded chunks
// (run after `npm run build`). With --check, fails when dist/cdn/cif-kpi-logger.js is over its gzip budget.
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET_GZIP = Number(process.env.SIZE_BUDGET ?? 18_650);
/** The chunks the ES bundle loads next to it on demand: the rule compiler and the debug inspector. */
export const chunks = readdirSync(new URL('../dist/cdn/', import.meta.url))
  .filter((name) => /^cif-kpi-logger-.*\.js$/.test(name))
  .map((name) => `dist/cdn/${name}`);
const files = ['dist/cdn/cif-kpi-logger.js', 'dist/cdn/cif-kpi-logger.classic.js', ...chunks];

export function sizes(file) {
  const bytes = readFileSync(new URL(`../${file}`, import.meta.url));
  return { file, min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = files.map(sizes);
  for (const { file, min, gzip } of rows) {
    console.log(`${file}: ${(min / 1024).toFixed(1)} KB minified, ${(gzip / 1024).toFixed(1)} KB gzip`);
  }
  if (process.argv.includes('--check')) {
    const main = rows[0];
    if (main.gzip > BUDGET_GZIP) {
      console.error(`size budget exceeded: ${main.gzip} B gzip > ${BUDGET_GZIP} B`);
      process.exit(1);
    }
    console.log(`size budget ok: ${main.gzip} B gzip <= ${BUDGET_GZIP} B`);
  }
}
