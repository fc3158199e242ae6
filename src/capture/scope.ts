/**
 * Finds the node whose descendants a logger hears, from its `scope` attribute:
 * - absent or empty: the logger's parent (its siblings and everything inside them);
 * - `document`: the whole document;
 * - anything else: the id of an element, looked up in the logger's own tree (document or shadow root).
 * Returns undefined when there is no such node (yet).
 */
export function resolveScopeRoot(logger: Element, scope: string | null | undefined): EventTarget | undefined {
  const value = scope?.trim();
  if (!value) return logger.parentNode ?? undefined;
  if (value === 'document') return logger.ownerDocument;
  const root = logger.getRootNode();
  const lookup = root instanceof Document || root instanceof ShadowRoot ? root : logger.ownerDocument;
  return lookup.getElementById(value) ?? undefined;
}
