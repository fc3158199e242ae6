/**
 * JSX typings for React 19: `import type {} from 'cif-kpi-logger/react';` once in a React project makes
 * `<cif-kpi-logger>` and `<cif-kpi-rule>` typed intrinsic elements, with their attributes and `on<event>` props.
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { CifKpiLoggerElement, CifKpiLoggerProperty } from './cif-kpi-logger.js';
import type { CifKpiRuleElement } from './capture/kpi-rule-element.js';
import type { RULE_ATTRIBUTES } from './capture/markup-attributes.js';
import type { CifKpiLoggerEventMap } from './vocabulary/logger-events.js';
import type { AttributeValue, Kebab, Listener } from './vocabulary/typings.js';

/** `<cif-kpi-logger>`'s attributes (from its property table) and its events as `oncif-kpi-…` props. */
export type CifKpiLoggerJsxProps = DetailedHTMLProps<HTMLAttributes<CifKpiLoggerElement>, CifKpiLoggerElement> & {
  [K in CifKpiLoggerProperty as Kebab<K>]?: AttributeValue<K, CifKpiLoggerElement[K]>;
} & { [K in keyof CifKpiLoggerEventMap as `on${K}`]?: Listener<K> };

/** `<cif-kpi-rule>`'s attributes (`on` and `kpi` required), and `custom-*` ones. */
export type CifKpiRuleJsxProps = DetailedHTMLProps<HTMLAttributes<CifKpiRuleElement>, CifKpiRuleElement> & {
  [K in (typeof RULE_ATTRIBUTES)[number]]?: string;
} & { on: string; kpi: string; [custom: `custom-${string}`]: string | undefined };

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'cif-kpi-logger': CifKpiLoggerJsxProps;
      'cif-kpi-rule': CifKpiRuleJsxProps;
    }
  }
}
