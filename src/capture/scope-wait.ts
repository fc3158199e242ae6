/**
 * Waiting for a `scope` element that is not there yet: a part loaded only when a logger's `scope` names no
 * element, so that other pages do not carry it.
 */
import { problem, type CifKpiProblem } from '../vocabulary/problems.js';
import { resolveScopeRoot } from './scope.js';

/**
 * Says, when `say` is given, that `scope` names no element, then calls `attach` once it does: at once if it
 * appeared while this part loaded (no observer then), or when the logger's tree changes so that it names one.
 */
export function waitForScope(
  logger: Element,
  scope: string | null,
  say: ((problem: CifKpiProblem) => void) | undefined,
  attach: () => void,
): MutationObserver | undefined {
  say?.(
    problem(
      'scope-not-found',
      `scope "${scope}" names no element in this document; events are heard once it appears`,
      'scope',
    ),
  );
  if (resolveScopeRoot(logger, scope)) return void attach();
  const observer = new MutationObserver(() => {
    if (resolveScopeRoot(logger, scope)) attach();
  });
  observer.observe(logger.getRootNode(), { childList: true, subtree: true, attributes: true, attributeFilter: ['id'] });
  return observer;
}
