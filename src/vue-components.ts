/**
 * Template typings for Vue 3 (Volar, `vue-tsc`): `import type {} from 'cif-kpi-logger/vue';` once in a Vue project
 * makes `<cif-kpi-logger>` and `<cif-kpi-rule>` known global components, with their attributes (written either way
 * in templates: `conversation-id` or `conversationId`) and `@cif-kpi-*` listeners. Vue still needs them declared
 * custom elements at compile time (`isCustomElement`, see the README); this adds types only, no code.
 */
import type { DefineComponent } from 'vue';
import type { CifKpiLoggerElement, CifKpiLoggerProperty } from './cif-kpi-logger.js';
import type { RULE_ATTRIBUTES } from './capture/markup-attributes.js';
import type { CifKpiLoggerEventMap } from './vocabulary/logger-events.js';
import type { AttributeValue, Listener, Pascal } from './vocabulary/typings.js';

/** `<cif-kpi-logger>`'s attributes, camel-cased as Vue matches them, and its events as `on…` listeners. */
export type CifKpiLoggerVueProps = {
  [K in CifKpiLoggerProperty]?: AttributeValue<K, CifKpiLoggerElement[K]>;
} & { [K in keyof CifKpiLoggerEventMap as `on${Pascal<K>}`]?: Listener<K> };

/** `<cif-kpi-rule>`'s attributes, camel-cased; `custom-*` ones are written as they are (`custom-msdyn_customattribute1`). */
export type CifKpiRuleVueProps = {
  [K in (typeof RULE_ATTRIBUTES)[number] as Camel<K>]?: string;
} & { on: string; kpi: string; [custom: `custom-${string}`]: string | undefined };

/** `additional-data` → `additionalData`. */
type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;

declare module 'vue' {
  interface GlobalComponents {
    'cif-kpi-logger': DefineComponent<CifKpiLoggerVueProps>;
    'cif-kpi-rule': DefineComponent<CifKpiRuleVueProps>;
  }
}
