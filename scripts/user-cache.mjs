// Where the test tools keep what they make from installed packages alone (the unpacked test Chromium, Angular linked
// ahead of time), once per version: the user's cache folder, as puppeteer and Playwright keep their browsers, so that
// a fresh clone or `npm ci` does not make them again. Nothing made from the project's own files is kept here.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** `XDG_CACHE_HOME` when it is an absolute path (the XDG rule: a relative one is ignored), else `~/.cache`. */
const userCache = () => {
  const xdg = process.env.XDG_CACHE_HOME;
  return xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache');
};

/**
 * The folders to keep things in, best first: the user's cache folder, then the clone's node_modules/.cache (where the
 * user's cannot be written).
 */
export const CACHE_FOLDERS = [join(userCache(), 'cif-kpi-logger'), join(root, 'node_modules', '.cache')];

/** The file a folder is made with last: a folder without it is not one `makeFolder` finished. */
const FINISHED = '.finished';

/** The path of the file `name` in a cache folder, if it is there. */
export function cachedFile(name) {
  return CACHE_FOLDERS.map((cache) => join(cache, name)).find((path) => existsSync(path));
}

/** The path of the folder `name` in a cache folder, if one was made there whole (`makeFolder`). */
export function cachedFolder(name) {
  return CACHE_FOLDERS.map((cache) => join(cache, name)).find((path) => existsSync(join(path, FINISHED)));
}

/** The installed version of a package. */
export function installedVersion(name) {
  return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/**
 * What npm installed, every package and its version (npm keeps it in node_modules/.package-lock.json as it installs):
 * undefined when it is not there (another package manager).
 */
export function installedTree() {
  try {
    return readFileSync(join(root, 'node_modules', '.package-lock.json'), 'utf8');
  } catch {
    return undefined;
  }
}

/** How old a folder being made must be to count as left by a run that was stopped. */
const ABANDONED = 10 * 60_000;

/**
 * Makes the folder `name` in the first cache folder that can be written, by `make(folder)` into a folder of its own
 * that is then moved into place whole: a run that starts meanwhile never finds half of it, and whatever else is at
 * its place (a folder an older version of this script left unfinished) is replaced. If another run moved its own
 * into place first, that one is kept. Resolves with its path. Folders that stopped runs left half made are removed
 * once they are old.
 */
export async function makeFolder(name, make) {
  for (const cache of CACHE_FOLDERS) {
    let staging;
    try {
      mkdirSync(cache, { recursive: true });
      for (const left of readdirSync(cache))
        if (left.startsWith(`${name}-making-`) && Date.now() - statSync(join(cache, left)).mtimeMs > ABANDONED)
          rmSync(join(cache, left), { recursive: true, force: true });
      staging = mkdtempSync(join(cache, `${name}-making-`));
    } catch {
      continue; // not writable: the next place
    }
    const target = join(cache, name);
    try {
      await make(staging);
      writeFileSync(join(staging, FINISHED), '');
      for (let attempt = 0; ; attempt++) {
        try {
          renameSync(staging, target);
          return target;
        } catch (error) {
          if (existsSync(join(target, FINISHED))) return target; // another run's, whole
          if (attempt > 0) throw error;
          rmSync(target, { recursive: true, force: true }); // not one made whole
        }
      }
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  throw new Error(`${name} could not be made: none of ${CACHE_FOLDERS.join(', ')} can be written`);
}

/**
 * Writes `text` to the file `name` in the first cache folder that can be written, whole (moved into place), and
 * removes the files there that an earlier one of its kind left (their names start with `kind`).
 */
export function writeFile(name, text, kind = name) {
  for (const cache of CACHE_FOLDERS) {
    try {
      mkdirSync(cache, { recursive: true });
      const staging = join(cache, `${name}.${process.pid}.tmp`);
      writeFileSync(staging, text);
      renameSync(staging, join(cache, name));
      for (const earlier of readdirSync(cache))
        if (earlier.startsWith(kind) && earlier !== name && !earlier.endsWith('.tmp'))
          rmSync(join(cache, earlier), { force: true });
      return;
    } catch {
      // not writable: the next place
    }
  }
}
