/**
 * How the logger reads objects it did not make (details, stored data, host answers): own properties only, so that
 * nothing a page added to `Object.prototype` is ever taken for a value.
 */
export function own(object: unknown, key: string): unknown {
  return object !== null && typeof object === 'object' && Object.prototype.hasOwnProperty.call(object, key)
    ? (object as Record<string, unknown>)[key]
    : undefined;
}
