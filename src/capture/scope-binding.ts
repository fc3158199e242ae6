/**
 * Which node a logger listens in: its `scope` resolved (`scope.ts`), waited for while it is not there yet (a part
 * loaded only then, `scope-wait.ts`), `disabled` applied, and KPI events outside it looked for until one was said
 * (`outside-scope.ts`). It tells its user where to listen; it knows nothing of what is heard there.
 */
import { internalError, type CifKpiProblem, type CifKpiWarning } from '../vocabulary/problems.js';
import { lazy } from '../vocabulary/lazy.js';
import { watchOutside } from './outside-scope.js';
import { resolveScopeRoot } from './scope.js';

/** Waiting for a `scope` element that is not there yet: loaded only when one is missing. */
export const loadScopeWait = lazy(() => import('./scope-wait.js'));

/** Where a scope binding has its capture listen. */
export interface ScopeUser {
  /** Listen in `root` from now on, and nowhere else. */
  attach(root: EventTarget): void;
  /** Listen nowhere: disabled, disconnected, or the scope is not there (yet). */
  detach(): void;
}

/** Who hears what a scope binding has to say: a missing scope, events outside it. */
export interface ScopeSink {
  problem(problem: CifKpiProblem): void;
  warning(warning: CifKpiWarning): void;
}

/** Waiting for a missing `scope` element: its observer, once the part that waits has arrived. */
type ScopeWait = { observer?: MutationObserver | undefined };

export class ScopeBinding {
  #logger: Element;
  #user: ScopeUser;
  #sink: ScopeSink;
  #scope: string | null = null;
  #disabled = false;
  #wait: ScopeWait | undefined;
  /** The missing scope last reported, so each is reported once. */
  #missingReported: string | null | undefined;
  /** Stops looking for events outside the scope; undefined when not looking. */
  #stopWatching: (() => void) | undefined;
  /** Whether events outside the scope were reported: said once per logger. */
  #saidOutside = false;

  constructor(logger: Element, sink: ScopeSink, user: ScopeUser) {
    this.#logger = logger;
    this.#sink = sink;
    this.#user = user;
  }

  /** Takes `scope` and `disabled`; returns whether either changed. */
  set(scope: string | null, disabled: boolean): boolean {
    if (scope === this.#scope && disabled === this.#disabled) return false;
    this.#scope = scope;
    this.#disabled = disabled;
    return true;
  }

  /** Finds the scope now and has the user listen in it, or waits for it (said once per missing scope). */
  bind(): void {
    this.#stopWaiting();
    const root = this.#disabled ? undefined : resolveScopeRoot(this.#logger, this.#scope);
    this.#watchOutside(root);
    if (root) {
      this.#missingReported = undefined;
      this.#user.attach(root);
      return;
    }
    this.#user.detach();
    if (this.#disabled) return;
    const say = this.#missingReported !== this.#scope ? (p: CifKpiProblem) => this.#sink.problem(p) : undefined;
    this.#missingReported = this.#scope;
    const wait: ScopeWait = (this.#wait = {});
    loadScopeWait().then(
      ({ waitForScope }) => {
        if (this.#wait === wait) wait.observer = waitForScope(this.#logger, this.#scope, say, () => this.bind());
      },
      (error: unknown) => this.#sink.problem(internalError(error)),
    );
  }

  /** Listens nowhere, waits for nothing and looks outside no more. */
  unbind(): void {
    this.#watchOutside(undefined);
    this.#stopWaiting();
    this.#user.detach();
  }

  #stopWaiting(): void {
    this.#wait?.observer?.disconnect();
    this.#wait = undefined;
  }

  /** Looks for KPI events outside `root` until it has said once that one was not heard; not for the whole document. */
  #watchOutside(root: EventTarget | undefined): void {
    this.#stopWatching?.();
    this.#stopWatching = undefined;
    if (this.#saidOutside || !(root instanceof Node) || root instanceof Document) return;
    this.#stopWatching = watchOutside(root, this.#logger, (warning) => {
      this.#saidOutside = true;
      this.#stopWatching = undefined;
      this.#sink.warning(warning);
    });
  }
}
