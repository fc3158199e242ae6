/**
 * `check-kpi-names`: Dynamics keeps a KPI event in its analytics only when an active KPI event definition
 * (`msdyn_kpieventdefinition`) has its name; otherwise the host accepts the event and it is dropped later, with no
 * error anywhere. Once the CIF library is there, the active definitions are read once a page with
 * `searchAndOpenRecords` (search only, nothing opens), shared by every logger that checks, and each captured name
 * without one is said once per logger. The check is advice: the event is still sent (the organisation may add the
 * definition later). A lookup that fails or does not answer in time is said once by each logger that waited for it
 * and turns their check off; it is forgotten, so that the next logger to start checking reads again. A chunk of its
 * own, loaded only by loggers that check.
 */
import { CIF_FIRST_PARTY_EVENT_NAMES } from '../vocabulary/cif-contract.js';
import { nearest } from '../vocabulary/nearest.js';
import { own } from '../vocabulary/own.js';
import { problem, type CifKpiProblem, type CifKpiWarning } from '../vocabulary/problems.js';
import { CifHostWatcher } from './cif-host.js';
import { hostErrorMessage } from './host-errors.js';

/** The entity and query read: the names of the active definitions. */
export const DEFINITION_ENTITY = 'msdyn_kpieventdefinition';
export const DEFINITION_QUERY = '?$select=msdyn_name&$filter=statecode eq 0';
/** How long the lookup may take; the library's own promise may never settle when the host answers oddly. */
export const LOOKUP_TIMEOUT = 15_000;
/** Most names kept while the definitions are being read. */
const MAX_WAITING = 500;

/** What the inspector shows of the check. */
export interface KpiNamesView {
  state: 'loading' | 'ready' | 'failed';
  /** The active definitions' names, once read. */
  names: readonly string[];
}

export interface KpiNameReports {
  warn(warning: CifKpiWarning): void;
  error(problem: CifKpiProblem): void;
  /** The view changed (for the inspector). */
  refresh(): void;
}

/**
 * The page's read of the definitions, by CIF library (a page has one): shared by its loggers. A read that failed is
 * forgotten, so that the next logger to start checking tries again.
 */
const reads = new WeakMap<object, Promise<Set<string>>>();

/** The active definitions' names, read once per CIF library with a deadline of `timeout` ms. */
function definitions(win: Window, timeout: number): Promise<Set<string>> {
  const framework = win.Microsoft?.CIFramework;
  let read = framework && reads.get(framework);
  if (!read) {
    read = lookup(framework, timeout);
    if (framework) {
      reads.set(framework, read);
      read.catch(() => reads.get(framework) === read && reads.delete(framework));
    }
  }
  return read;
}

async function lookup(framework: object | undefined, timeout: number): Promise<Set<string>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const search = own(framework, 'searchAndOpenRecords');
    if (typeof search !== 'function') throw new Error('Microsoft.CIFramework.searchAndOpenRecords is not there');
    const answer: unknown = await Promise.race([
      (search as (...args: unknown[]) => Promise<unknown>)(DEFINITION_ENTITY, DEFINITION_QUERY, true),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeout / 1000} s`)), timeout);
      }),
    ]);
    return new Set(definitionNames(answer));
  } finally {
    clearTimeout(timer);
  }
}

export class KpiNameCheck {
  #reports: KpiNameReports;
  #defined: Set<string> | undefined;
  #waiting = new Set<string>();
  #said = new Set<string>();
  #state: KpiNamesView['state'] = 'loading';
  #win: Window;
  #timeout: number;
  /** Stops waiting for the CIF library; undefined while not waiting. */
  #cancel: (() => void) | undefined;
  #reading: Promise<void> | undefined;

  /** `waiting`: names captured before this was made, checked once the definitions are read. */
  constructor(win: Window, reports: KpiNameReports, waiting: Iterable<string> = [], timeout = LOOKUP_TIMEOUT) {
    this.#reports = reports;
    this.#win = win;
    this.#timeout = timeout;
    for (const name of waiting) this.seen(name);
    this.start();
  }

  /** Waits for the CIF library, then reads the definitions: unless it is waiting, or has read (or is reading). */
  start(): void {
    if (this.#cancel || this.#reading) return;
    this.#cancel = new CifHostWatcher(this.#win).whenReady(() => {
      this.#reading = this.#read(this.#win, this.#timeout);
    });
  }

  get view(): KpiNamesView {
    return { state: this.#state, names: this.#defined ? [...this.#defined] : [] };
  }

  /** A name was captured (of a valid event): said once if no active definition has it. */
  seen(name: string): void {
    if (this.#state === 'failed' || this.#said.has(name) || CIF_FIRST_PARTY_EVENT_NAMES.has(name)) return;
    if (!this.#defined) {
      if (this.#waiting.size < MAX_WAITING) this.#waiting.add(name);
      return;
    }
    if (this.#defined.has(name)) return;
    this.#said.add(name);
    const like = nearest(name, this.#defined);
    this.#reports.warn(
      problem(
        'unknown-kpi-event-name',
        `"${name}" has no active KPI event definition (msdyn_kpieventdefinition) in this organisation: the host accepts the event, but Dynamics analytics keep only defined names${like ? `; "${like}" is defined` : ''}. Add the definition, or correct the name`,
        'kpiEventName',
      ),
    );
  }

  /**
   * Stops waiting for the CIF library (the logger left the page or stopped checking); `start()` waits again. A read
   * under way goes on: it holds nothing of the page.
   */
  stop(): void {
    this.#cancel?.();
    this.#cancel = undefined;
  }

  async #read(win: Window, timeout: number): Promise<void> {
    try {
      this.#defined = await definitions(win, timeout);
      this.#state = 'ready';
      const waiting = [...this.#waiting];
      this.#waiting.clear();
      for (const name of waiting) this.seen(name);
    } catch (error) {
      this.#state = 'failed';
      this.#waiting.clear();
      this.#reports.error(
        problem(
          'kpi-names-unavailable',
          `check-kpi-names is off: the KPI event definitions could not be read (${hostErrorMessage(error)}); events are sent unchecked`,
          'check-kpi-names',
        ),
      );
    } finally {
      this.#reports.refresh();
    }
  }
}

/**
 * The names in what `searchAndOpenRecords` resolved: a JSON string of an object keyed "0", "1", … (the library
 * copies the host's array into an object), or of an array; each record's own `msdyn_name`.
 */
export function definitionNames(answer: unknown): string[] {
  const parsed: unknown = typeof answer === 'string' ? JSON.parse(answer) : answer;
  if (typeof parsed !== 'object' || parsed === null)
    throw new Error(`the answer is not a list of records: ${String(answer).slice(0, 60)}`);
  const records = Array.isArray(parsed) ? parsed : Object.keys(parsed).map((key) => own(parsed, key));
  return records
    .map((record) => (typeof record === 'object' && record !== null ? own(record, 'msdyn_name') : undefined))
    .filter((name): name is string => typeof name === 'string' && name !== '');
}
