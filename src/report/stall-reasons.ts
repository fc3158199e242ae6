/**
 * Why events are still held a while after they were captured: the required ids are not set (naming attributes on
 * the element that look like them), or the CIF library has not appeared (saying what was looked for). Loaded only
 * when events have been held that long (`StallHints`).
 */
import { attributeOf } from '../vocabulary/attribute-names.js';
import { problem, type CifKpiWarning } from '../vocabulary/problems.js';

import { STALL_HINT_DELAY } from './stall-hints.js';

/** What the logger sees when it looks. */
export interface StallView {
  /** Events held now. */
  held: number;
  /** The required id properties that are not set (`conversationId`, …). */
  missingIds: readonly string[];
  /** Whether events wait that were heard, with `auto-context`, while no session of the provider was focused. */
  unbound?: boolean;
  hostReady: boolean;
  /** The names of the logger element's attributes. */
  attributes: readonly string[];
  /** The `src` of the page's scripts. */
  scripts: readonly string[];
}

/** What a logger tells of itself: its held events, the host, its attributes; its page has the scripts. */
export interface StalledLogger {
  readonly pendingCount: number;
  readonly hostReady: boolean;
  readonly ownerDocument: Document;
  getAttributeNames(): string[];
}

/** The reasons `logger`'s events are held, `ids` saying which required ids it lacks (and why). */
export function stallReasonsOf(logger: StalledLogger, ids: Pick<StallView, 'missingIds' | 'unbound'>): CifKpiWarning[] {
  return stallReasons({
    held: logger.pendingCount,
    ...ids,
    hostReady: logger.hostReady,
    attributes: logger.getAttributeNames(),
    scripts: Array.from(logger.ownerDocument.scripts, (script) => script.src),
  });
}

/** Where Microsoft's CIF 2.0 widget library is loaded from in a provider page. */
const CIF_LIBRARY = 'msdyn_ciLibrary.js';

/** The reasons events are held, as warnings: none when nothing is held. */
export function stallReasons(view: StallView): CifKpiWarning[] {
  const found: CifKpiWarning[] = [];
  if (view.held === 0) return found;
  const waited = `${view.held} event(s) held over ${STALL_HINT_DELAY / 1000} s`;
  if (view.missingIds.length > 0) {
    const names = view.missingIds.map(attributeOf);
    const bare = (name: string) => name.toLowerCase().replace(/[-_]/g, '');
    const nearMisses = view.attributes
      .filter((a) => !names.includes(a))
      .map((a) => [a, names.find((name) => bare(name) === bare(a))] as const)
      .filter(([, name]) => name !== undefined)
      .map(([a, name]) => `; the element has "${a}": did you mean "${name}"?`);
    const unbound = view.unbound
      ? ' (heard while no session of this provider was focused, they take the ids set on the logger, not a session’s)'
      : '';
    const message = `${waited}${unbound}: ${names.join(' and ')} ${names.length > 1 ? 'are' : 'is'} not set${nearMisses.join('')}`;
    found.push(problem('ids-missing', message, names[0]));
  }
  if (!view.hostReady) {
    const script = view.scripts.find((src) => src.split(/[?#]/)[0]!.endsWith(CIF_LIBRARY));
    const loaded = script
      ? `the page loads ${script}: is the page open inside Dynamics 365?`
      : `the page has no <script> loading ${CIF_LIBRARY}`;
    const message = `${waited}: the CIF library has not appeared (neither window.Microsoft.CIFramework nor its CIFInitDone event); ${loaded}`;
    found.push(problem('host-not-found', message));
  }
  return found;
}
