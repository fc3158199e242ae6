// Compiled by `npm run lint` (tsc --noEmit), not run: the Vue template typings give the two elements' props as
// Volar checks a template against them (`<cif-kpi-logger conversation-id="c" flush-delay="250" @cif-kpi-sent="…">`),
// and refuse wrong ones.
import type { GlobalComponents } from 'vue';
import type {} from '../../src/vue-components.js';

type LoggerProps = InstanceType<GlobalComponents['cif-kpi-logger']>['$props'];
type RuleProps = InstanceType<GlobalComponents['cif-kpi-rule']>['$props'];

export const logger: LoggerProps = {
  conversationId: 'c',
  providerSessionId: 'p',
  flushDelay: '250',
  maxRetries: 3,
  logLevel: 'info',
  debug: 'badge',
  onCifKpiSent: (event) => console.info(event.detail.data.events.length),
  onCifKpiError: (event) => console.warn(event.detail.code),
};

export const rule: RuleProps = {
  on: 'call-ended',
  kpi: 'CallEnded',
  reason: '{detail.reason}',
  'custom-msdyn_customattribute1': '{detail.queue}',
};

// @ts-expect-error max-retries takes a number, not an object
export const wrongRetries: LoggerProps = { maxRetries: { n: 1 } };
// @ts-expect-error log-level is one of the levels
export const wrongLevel: LoggerProps = { logLevel: 'loud' };
// @ts-expect-error a rule needs its kpi
export const ruleWithoutKpi: RuleProps = { on: 'call-ended' };
// @ts-expect-error an sent listener gets the sent detail
export const wrongListener: LoggerProps = { onCifKpiSent: (event: CustomEvent<number>) => event };
