/**
 * The CIF-aware features of a logger, `check-kpi-names` (`names`) and `auto-context` (`sessions`): their code is a
 * chunk of its own, loaded by loggers that use one. Until it arrives a stand-in keeps what they must see: the names
 * captured (checked when it arrives) and the events waiting for their session's ids.
 */
import type { ContextBinding } from '../normalise/delivery-context.js';
import type { KpiNamesView } from '../deliver/kpi-names.js';
import type { SessionContext, SessionHooks } from '../deliver/session-context.js';
import type { Reporter } from '../report/reporter.js';
import { internalError } from '../vocabulary/problems.js';
import { lazy } from '../vocabulary/lazy.js';

/** The CIF-aware features (`check-kpi-names`, `auto-context`): loaded by loggers that use one. */
const loadCifAware = lazy(() => import('../deliver/cif-aware.js'));

type Names = { seen(name: string): void; view?: KpiNamesView; start?(): void; stop?(): void };
type Sessions = Partial<Pick<SessionContext, 'focused' | 'resolve' | 'stop'>> & Pick<SessionContext, 'bind'>;

export class CifAwareFeatures {
  /** `check-kpi-names`, while it is on. */
  names: Names | undefined;
  /** `auto-context`, while it is on or its events wait for the logger to come back. */
  sessions: Sessions | undefined;
  #logger: { readonly isConnected: boolean; readonly autoContext: boolean };
  #reporter: Reporter;
  #sink: SessionHooks;

  constructor(
    logger: { readonly isConnected: boolean; readonly autoContext: boolean },
    reporter: Reporter,
    sink: SessionHooks,
  ) {
    this.#logger = logger;
    this.#reporter = reporter;
    this.#sink = sink;
  }

  /** The logger was added to the page (`true`) or removed: the features follow it. */
  connected(yes: boolean): void {
    if (yes) {
      this.names?.start?.();
      if (this.#logger.autoContext) this.set('sessions', true);
    } else {
      this.names?.stop?.();
      this.set('sessions', false);
    }
  }

  /** Starts or stops a feature; names captured meanwhile are checked when it arrives, and events wait for ids. */
  set(feature: 'names' | 'sessions', on: boolean): void {
    // Events whose session was not decided yet are decided by the next one.
    const bindings: ContextBinding[] = (feature === 'sessions' && this.sessions?.stop?.()) || [];
    if (feature === 'names') this.names?.stop?.();
    if (feature === 'sessions') this.#sink.fallBackTo(undefined);
    const names = new Set<string>();
    // Kept while off too for sessions (the logger left the page): bindings wait for it to come back.
    const placeholder = (this[feature] =
      on || feature === 'sessions'
        ? {
            seen: (name: string) => void names.add(name),
            bind: (binding: ContextBinding) => void bindings.push(binding),
            stop: () => bindings,
          }
        : undefined);
    if (!on) return;
    loadCifAware().then(
      ({ KpiNameCheck, SessionContext }) => {
        if (this[feature] !== placeholder) return;
        const made =
          feature === 'names'
            ? (this.names = new KpiNameCheck(window, this.#reporter, names))
            : (this.sessions = new SessionContext(window, this.#sink, bindings));
        // A removed logger waits for nothing: the check starts again when it is added back.
        if (!this.#logger.isConnected) made.stop();
      },
      // Said once for the attempt still wanted (a later start replaced earlier ones).
      (error: unknown) => this[feature] === placeholder && this.#reporter.error(internalError(error)),
    );
  }
}
