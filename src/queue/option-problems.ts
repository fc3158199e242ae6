/**
 * What to say of delivery settings given as something unusable: a chunk of its own, loaded only when a setting is
 * (the values used instead are decided at once, in delivery-options.ts).
 */
import { attributeOf } from '../vocabulary/attribute-names.js';
import { problem, type CifKpiProblem } from '../vocabulary/problems.js';
import { DEFAULT_LOG_LEVEL, LOG_LEVELS, logLevel } from '../vocabulary/log-level.js';
import { COUNTS, DEFAULTS, DELIVERY_OPTION_NAMES, MAX_DELAY, MIN, type DeliveryOptions } from './delivery-options.js';

/**
 * What was given for a setting that is not what is used (`deliveryOptions`): not a number, out of range, or not
 * whole. One problem per setting, naming its attribute, what was given and what is used instead. A removed
 * attribute (`null`) is no problem: it means the default. `attributeText` gives the attribute as written, so that
 * `flush-delay="fast"` is quoted rather than shown as the `NaN` it became.
 */
export function optionProblems(
  given: Readonly<Partial<Record<keyof DeliveryOptions, unknown>>>,
  used: Readonly<DeliveryOptions>,
  attributeText: (attribute: string) => string | null = () => null,
): CifKpiProblem[] {
  const found: CifKpiProblem[] = [];
  for (const name of DELIVERY_OPTION_NAMES) {
    const value = given[name];
    if (value === null || value === undefined || Object.is(value, used[name])) continue;
    const attribute = attributeOf(name);
    const why =
      typeof value !== 'number' || !Number.isFinite(value)
        ? `is not a number: the default ${DEFAULTS[name]} is used`
        : value < MIN[name]
          ? `is below its least (${MIN[name]}): ${used[name]} is used`
          : value > MAX_DELAY && !COUNTS.has(name)
            ? `is longer than timers hold (${MAX_DELAY} ms): ${used[name]} is used`
            : `is not a whole number: ${used[name]} is used`;
    const text = attributeText(attribute);
    const shown =
      text !== null && Object.is(Number(text), value)
        ? JSON.stringify(text.slice(0, 40))
        : typeof value === 'number'
          ? String(value)
          : JSON.stringify(String(value).slice(0, 40));
    found.push(problem('invalid-attribute', `${attribute} ${shown} ${why}`, attribute));
  }
  return found;
}

/** The last problem said of each setting, by logger: each is said once. */
const said = new WeakMap<object, Map<string, string>>();

/**
 * Says with `say` what a logger was given that it cannot use: its delivery settings as `given` (`used` instead)
 * and its `log-level` as `givenLevel`; each problem once per setting and message, the attribute quoted as written
 * while it still says what was given.
 */
export function sayOptionProblems(
  logger: { getAttribute(name: string): string | null },
  given: Readonly<Partial<Record<keyof DeliveryOptions, unknown>>>,
  used: Readonly<DeliveryOptions>,
  givenLevel: unknown,
  say: (problem: CifKpiProblem) => void,
): void {
  const problems = optionProblems(given, used, (attribute) => logger.getAttribute(attribute));
  if (givenLevel != null && givenLevel !== logLevel(givenLevel)) problems.push(logLevelProblem(givenLevel));
  let last = said.get(logger);
  if (!last) said.set(logger, (last = new Map()));
  for (const p of problems) {
    if (last.get(p.field!) !== p.message) say(p);
    last.set(p.field!, p.message);
  }
}

/** What to say of a `log-level` that is not a level (the default is used). */
export function logLevelProblem(given: unknown): CifKpiProblem {
  const shown = JSON.stringify(String(given).slice(0, 40));
  const message = `log-level ${shown} is not one of ${LOG_LEVELS.join(', ')}: ${DEFAULT_LOG_LEVEL} is used`;
  return problem('invalid-attribute', message, 'log-level');
}
