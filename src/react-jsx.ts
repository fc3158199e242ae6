/**
 * JSX typings for React 19: `import type {} from 'cif-kpi-logger/react';` once in a React project makes
 * `<cif-kpi-logger>` and `<cif-kpi-rule>` typed intrinsic elements, with their attributes and `on<event>` props.
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { CifKpiLoggerElement } from './cif-kpi-logger.js';
import type { CifKpiRuleElement } from './capture/kpi-rule-element.js';
import type {
  CifKpiDroppedDetail,
  CifKpiErrorDetail,
  CifKpiFailedDetail,
  CifKpiSentDetail,
  CifKpiWarningDetail,
} from './vocabulary/logger-events.js';

type Numeric = number | `${number}`;
type Flag = boolean | '';

export interface CifKpiLoggerJsxProps extends DetailedHTMLProps<
  HTMLAttributes<CifKpiLoggerElement>,
  CifKpiLoggerElement
> {
  'conversation-id'?: string | null;
  'provider-session-id'?: string | null;
  'client-session-id'?: string | null;
  'participant-id'?: string | null;
  'event-name'?: string | null;
  'correlation-id'?: string | null;
  scope?: string | null;
  'flush-delay'?: Numeric;
  'max-batch'?: Numeric;
  'call-timeout'?: Numeric;
  'max-retries'?: Numeric;
  'retry-delay'?: Numeric;
  'max-queue'?: Numeric;
  'max-queue-bytes'?: Numeric;
  'context-timeout'?: Numeric;
  'no-persist'?: Flag;
  'check-kpi-names'?: Flag;
  'auto-context'?: Flag;
  'log-level'?: 'none' | 'error' | 'warn' | 'info' | 'debug';
  disabled?: Flag;
  debug?: Flag;
  'oncif-kpi-sent'?: (event: CustomEvent<CifKpiSentDetail>) => void;
  'oncif-kpi-error'?: (event: CustomEvent<CifKpiErrorDetail>) => void;
  'oncif-kpi-warning'?: (event: CustomEvent<CifKpiWarningDetail>) => void;
  'oncif-kpi-failed'?: (event: CustomEvent<CifKpiFailedDetail>) => void;
  'oncif-kpi-dropped'?: (event: CustomEvent<CifKpiDroppedDetail>) => void;
}

export interface CifKpiRuleJsxProps extends DetailedHTMLProps<HTMLAttributes<CifKpiRuleElement>, CifKpiRuleElement> {
  on: string;
  kpi: string;
  reason?: string;
  'additional-data'?: string;
  'notification-response-action'?: string;
  'external-correlation-id'?: string;
  match?: string;
  when?: string;
  [custom: `custom-${string}`]: string | undefined;
}

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'cif-kpi-logger': CifKpiLoggerJsxProps;
      'cif-kpi-rule': CifKpiRuleJsxProps;
    }
  }
}
