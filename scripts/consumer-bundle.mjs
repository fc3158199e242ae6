// What an app's bundler makes of `import 'cif-kpi-logger'`: the npm entry bundled with Lit by esbuild, minified,
// its dynamic imports split into chunks (Vite and webpack split alike). What the app loads at start is the entry
// chunk and every chunk it imports statically; the rest is loaded only when a page needs it. Used by the package
// check (with its budget) and by the benchmark.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;

/**
 * Bundles an app whose only line is `import 'cif-kpi-logger'`, with `entry` (a built `index.js`) as the package's
 * entry point. Returns the files loaded at start and the others, each with its bytes, and the sums of their sizes
 * (each file compressed on its own, as it is served).
 */
export async function consumerBundle(entry) {
  const out = mkdtempSync(join(tmpdir(), 'cif-kpi-consumer-'));
  try {
    writeFileSync(join(out, 'app.js'), "import 'cif-kpi-logger';\n");
    const { metafile } = await build({
      entryPoints: [join(out, 'app.js')],
      bundle: true,
      minify: true,
      splitting: true,
      format: 'esm',
      target: 'es2022',
      outdir: join(out, 'dist'),
      alias: { 'cif-kpi-logger': entry },
      nodePaths: [join(root, 'node_modules')],
      metafile: true,
      absWorkingDir: out,
      logLevel: 'error',
    });
    const outputs = metafile.outputs;
    const atStart = new Set();
    const visit = (file) => {
      if (atStart.has(file)) return;
      atStart.add(file);
      for (const imported of outputs[file].imports) if (imported.kind === 'import-statement') visit(imported.path);
    };
    visit(Object.keys(outputs).find((file) => outputs[file].entryPoint === 'app.js'));
    const files = Object.keys(outputs)
      .filter((file) => file.endsWith('.js'))
      .map((file) => ({ file, bytes: readFileSync(join(out, file)), start: atStart.has(file) }));
    return { start: sizes(files.filter((f) => f.start)), later: sizes(files.filter((f) => !f.start)), files };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function sizes(files) {
  let min = 0;
  let gzip = 0;
  let brotli = 0;
  for (const { bytes } of files) {
    min += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
    brotli += brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  return { files: files.length, min, gzip, brotli };
}
