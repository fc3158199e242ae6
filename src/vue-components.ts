/**
 * Template typings for Vue 3 (Volar, `vue-tsc`): `import type {} from 'cif-kpi-logger/vue';` once in a Vue project
 * makes `<cif-kpi-logger>` and `<cif-kpi-rule>` known global components, with their attributes (written either way
 * in templates: `conversation-id` or `conversationId`) and `@cif-kpi-*` listeners. Vue still needs them declared
 * custom elements at compile time (`isCustomElement`, see the README); this adds types only, no code.
 */
import type { DefineComponent } from 'vue';
import type { LogLevel } from './vocabulary/log-level.js';
import type {
  CifKpiDroppedDetail,
  CifKpiErrorDetail,
  CifKpiFailedDetail,
  CifKpiSentDetail,
  CifKpiWarningDetail,
} from './vocabulary/logger-events.js';

type Numeric = number | `${number}`;
type Flag = boolean | '';

/** `<cif-kpi-logger>`'s attributes, camel-cased as Vue matches them, and its events as `on…` listeners. */
export interface CifKpiLoggerVueProps {
  conversationId?: string | null;
  providerSessionId?: string | null;
  clientSessionId?: string | null;
  participantId?: string | null;
  eventName?: string | null;
  correlationId?: string | null;
  scope?: string | null;
  flushDelay?: Numeric;
  maxBatch?: Numeric;
  callTimeout?: Numeric;
  maxRetries?: Numeric;
  retryDelay?: Numeric;
  maxQueue?: Numeric;
  maxQueueBytes?: Numeric;
  contextTimeout?: Numeric;
  noPersist?: Flag;
  checkKpiNames?: Flag;
  autoContext?: Flag;
  logLevel?: LogLevel;
  disabled?: Flag;
  debug?: Flag | 'badge';
  onCifKpiSent?: (event: CustomEvent<CifKpiSentDetail>) => void;
  onCifKpiError?: (event: CustomEvent<CifKpiErrorDetail>) => void;
  onCifKpiWarning?: (event: CustomEvent<CifKpiWarningDetail>) => void;
  onCifKpiFailed?: (event: CustomEvent<CifKpiFailedDetail>) => void;
  onCifKpiDropped?: (event: CustomEvent<CifKpiDroppedDetail>) => void;
}

/** `<cif-kpi-rule>`'s attributes; `custom-*` ones are written as they are (`custom-msdyn_customattribute1`). */
export interface CifKpiRuleVueProps {
  on: string;
  kpi: string;
  reason?: string;
  additionalData?: string;
  notificationResponseAction?: string;
  externalCorrelationId?: string;
  match?: string;
  when?: string;
  [custom: `custom-${string}`]: string | undefined;
}

declare module 'vue' {
  interface GlobalComponents {
    'cif-kpi-logger': DefineComponent<CifKpiLoggerVueProps>;
    'cif-kpi-rule': DefineComponent<CifKpiRuleVueProps>;
  }
}
