/**
 * A logger's settings as its element's properties give them: the delivery settings and the console's level. One
 * given as something unusable (`flush-delay="fast"`, `max-retries="-3"`, `log-level="loud"`) is said once and
 * replaced, on the property too, by what is used.
 */
import { DELIVERY_OPTION_NAMES, deliveryOptions, type DeliveryOptions } from '../queue/delivery-options.js';
import type { Reporter } from '../report/reporter.js';
import { logLevel, type LogLevel } from '../vocabulary/log-level.js';
import { lazy } from '../vocabulary/lazy.js';

/** The words for settings given as something unusable: loaded when one is. */
const loadOptionProblems = lazy(() => import('../queue/option-problems.js'));

/** Where the settings are read from, and written back as used. */
type Settings = Record<keyof DeliveryOptions, number> & { logLevel: LogLevel } & {
  getAttribute(name: string): string | null;
};

/** The delivery settings in force (and the reporter's level, set); unusable ones said. */
export function settingsOf(host: Settings, reporter: Reporter): DeliveryOptions {
  const options = deliveryOptions(host);
  const givenLevel = host.logLevel;
  reporter.level = host.logLevel = logLevel(givenLevel);
  // What was given is said of once the words for it have loaded (a chunk of their own): kept as it is now.
  const given: Record<string, unknown> = {};
  let unusable = givenLevel != null && givenLevel !== host.logLevel;
  for (const name of DELIVERY_OPTION_NAMES) {
    const value = (given[name] = host[name]);
    unusable ||= value != null && value !== options[name];
    host[name] = options[name];
  }
  if (unusable) {
    // If the words cannot be loaded, nothing is said (the values used are on the properties).
    loadOptionProblems().then(
      ({ sayOptionProblems }) => sayOptionProblems(host, given, options, givenLevel, (p) => reporter.error(p)),
      () => {},
    );
  }
  return options;
}
