/**
 * `customData`: an object map or an array of `{ attribute, value }` → the items CIF takes, each attribute a column
 * name that fits, each value text that fits its column, at most MAX_CUSTOM_DATA_ITEMS of them.
 */
import { CIF_LIMITS, CUSTOM_ATTRIBUTE_PATTERN, type CifCustomDataItem } from '../vocabulary/cif-contract.js';
import { own } from '../vocabulary/own.js';
import { problem, type CifKpiProblem } from '../vocabulary/problems.js';
import { describe, textOf, tooLong, withinColumn } from './field-values.js';

/** The `customData` items of a reported value; undefined when it has none. */
export function customDataOf(value: unknown): CifCustomDataItem[] | CifKpiProblem | undefined {
  return value === undefined || value === null ? undefined : toCustomData(value);
}

/**
 * Most `customData` items one event may carry. Each item is written to a column of the event's row: a standard org
 * has five (`msdyn_customattribute1`…`5`) and orgs may add some, so ten times that is room for any org while a
 * runaway list (a thousand items) is refused before any work is done for it.
 */
export const MAX_CUSTOM_DATA_ITEMS = 50;

function tooManyItems(count: string): CifKpiProblem {
  return problem(
    'invalid-custom-data',
    `customData has ${count} items; an event takes at most ${MAX_CUSTOM_DATA_ITEMS}, one column each`,
    'customData',
  );
}

function toCustomData(value: unknown): CifCustomDataItem[] | CifKpiProblem {
  const items: CifCustomDataItem[] = [];
  const seen: unknown[] = [];
  const add = (attribute: unknown, raw: unknown): CifKpiProblem | undefined => {
    const refused = customAttributeProblem(attribute);
    if (refused) return refused;
    if (seen.includes(attribute)) {
      return problem('invalid-custom-data', `customData names "${attribute}" twice`, `customData.${attribute}`);
    }
    seen.push(attribute);
    const text = customValue(attribute as string, raw);
    if (typeof text === 'object') return text;
    if (text !== undefined) items.push({ attribute: attribute as string, value: text });
    return undefined;
  };

  if (Array.isArray(value)) {
    if (value.length > MAX_CUSTOM_DATA_ITEMS) return tooManyItems(String(value.length));
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      if (typeof item !== 'object' || item === null || !Object.prototype.hasOwnProperty.call(item, 'attribute')) {
        return problem(
          'invalid-custom-data',
          `customData[${index}] must be { attribute, value }; got ${describe(item)}`,
          'customData',
        );
      }
      const failed = add(own(item, 'attribute'), own(item, 'value'));
      if (failed) return failed;
    }
  } else if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    let count = 0;
    for (const attribute in value) {
      if (!Object.prototype.hasOwnProperty.call(value, attribute)) continue;
      if (++count > MAX_CUSTOM_DATA_ITEMS) return tooManyItems(`more than ${MAX_CUSTOM_DATA_ITEMS}`);
      const failed = add(attribute, (value as Record<string, unknown>)[attribute]);
      if (failed) return failed;
    }
  } else {
    return problem(
      'invalid-custom-data',
      `customData must be an object map or an array of { attribute, value }; got ${describe(value)}`,
      'customData',
    );
  }
  // An exact copy: an array grown by `push` keeps room for 16 items, and this one is held until it is sent.
  return items.slice();
}

/** Why a `customData` attribute name cannot be a column, or undefined when it can. */
export function customAttributeProblem(attribute: unknown): CifKpiProblem | undefined {
  if (typeof attribute !== 'string' || !isColumnName(attribute)) {
    const like = typeof attribute === 'string' ? columnNameLike(attribute) : undefined;
    return problem(
      'invalid-custom-data',
      `customData attribute ${describe(attribute)} is not a column name (letters, digits and underscores)${like ? `: did you mean "${like}"?` : ''}`,
      'customData',
    );
  }
  if (attribute.length > CIF_LIMITS.customDataAttribute) {
    return tooLong(`customData.${attribute}`, attribute.length, CIF_LIMITS.customDataAttribute, 'attribute name');
  }
  return undefined;
}

/** The column name a name that is not one was likely meant to be (`queue-name` → `queue_name`), if any. */
export function columnNameLike(name: string): string | undefined {
  const like = name.trim().replace(/[^A-Za-z0-9_]+/g, '_');
  return like !== name && CUSTOM_ATTRIBUTE_PATTERN.test(like) ? like : undefined;
}

/** A `customData` value as text, refused when over its column; undefined (left out) when absent. */
export function customValue(attribute: string, value: unknown): string | undefined | CifKpiProblem {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.length <= CIF_LIMITS.customDataValue) return value; // the usual case
  const field = `customData.${attribute}`;
  return withinColumn(textOf(value, field, CIF_LIMITS.customDataValue), field, CIF_LIMITS.customDataValue);
}

/** Column names seen valid before: an org has a handful, and they repeat on every event. */
const knownColumns = new Set<string>();

function isColumnName(name: string): boolean {
  if (knownColumns.has(name)) return true;
  if (!CUSTOM_ATTRIBUTE_PATTERN.test(name)) return false;
  if (knownColumns.size < 256) knownColumns.add(name);
  return true;
}
