// Prints the minified and gzip sizes of the script-tag bundles and of the ES bundle's lazily loaded parts (run after
// `npm run build`). With --check, fails when dist/cdn/cif-kpi-logger.js is over its gzip budget, or when the size
// table of docs/performance.md says anything else than the files measure; --write brings that table up to date.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const BUDGET_GZIP = Number(process.env.SIZE_BUDGET ?? 20_000);
const dist = new URL('../dist/cdn/', import.meta.url);
const readme = new URL('../docs/performance.md', import.meta.url);

/** The parts the ES bundle loads next to it on demand, by the name in their file name (`kpi-rule`). */
const chunks = readdirSync(dist)
  .filter((name) => /^cif-kpi-logger-.*\.js$/.test(name))
  .map((name) => ({ file: name, name: name.replace(/^cif-kpi-logger-(.*)-[\w-]{8}\.js$/, '$1') }));
const files = [
  'cif-kpi-logger.js',
  'cif-kpi-logger.classic.js',
  'cif-kpi-stub.js',
  ...chunks.map((chunk) => chunk.file),
];
/** The stub a page inlines in its <head>: at most this many bytes, minified. */
const STUB_BUDGET = 700;

const brotli = (bytes) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

function sizes(file) {
  const bytes = readFileSync(new URL(file, dist));
  return { file, min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, brotli: brotli(bytes) };
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/** The README's row for a file: the file column as the README writes it (`cif-kpi-logger-kpi-rule-*.js`). */
function readmeName(file) {
  const chunk = chunks.find((c) => c.file === file);
  return chunk ? `cif-kpi-logger-${chunk.name}-*.js` : file;
}

/**
 * The README with its size table rows set to `rows` (a row names its file in backticks in its first cell), and the
 * rows it says anything else for, or has none for.
 */
function withSizes(text, rows) {
  const wrong = [];
  for (const { file, min, gzip, brotli: br } of rows) {
    const name = readmeName(file);
    const escaped = name.replace(/[.*]/g, (c) => `\\${c}`);
    const row = new RegExp(`^(\\| \`(?:dist/cdn/)?${escaped}\`[^|]*\\|)([^|]*)\\|([^|]*)\\|([^|]*)\\|`, 'm');
    const found = row.exec(text);
    const said = found ? [found[2], found[3], found[4]].map((cell) => cell.trim()).join(' / ') : '';
    const measured = [kb(min), kb(gzip), kb(br)].join(' / ');
    if (!found) wrong.push(`${name} (no row)`);
    else if (said !== measured) wrong.push(`${name} (${said}; measured ${measured})`);
    text = text.replace(row, `$1 ${kb(min)} | ${kb(gzip)} | ${kb(br)} |`);
  }
  return { text, wrong };
}

const rows = files.map(sizes);
for (const { file, min, gzip } of rows)
  console.log(`dist/cdn/${file}: ${kb(min)} minified, ${kb(gzip)} gzip (${gzip} B)`);

if (process.argv.includes('--write')) {
  const { text, wrong } = withSizes(readFileSync(readme, 'utf8'), rows);
  writeFileSync(readme, text);
  const missing = wrong.filter((row) => row.endsWith('(no row)'));
  if (missing.length) console.error(`docs/performance.md has no size row for ${missing.join(', ')}`);
}

if (process.argv.includes('--check')) {
  let failed = false;
  const main = rows[0];
  if (main.gzip > BUDGET_GZIP) {
    console.error(`size budget exceeded: ${main.gzip} B gzip > ${BUDGET_GZIP} B`);
    failed = true;
  } else {
    console.log(`size budget ok: ${main.gzip} B gzip <= ${BUDGET_GZIP} B`);
  }
  const stub = rows.find((row) => row.file === 'cif-kpi-stub.js');
  if (stub.min > STUB_BUDGET) {
    console.error(`stub budget exceeded: ${stub.min} B minified > ${STUB_BUDGET} B`);
    failed = true;
  }
  const { wrong } = withSizes(readFileSync(readme, 'utf8'), rows);
  if (wrong.length) {
    console.error(
      `docs/performance.md size table is not what the files measure: ${wrong.join('; ')}; run npm run size -- --write`,
    );
    failed = true;
  }
  if (failed) process.exit(1);
}
