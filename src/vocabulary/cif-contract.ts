/**
 * The CIF 2.0 contract as the logger writes to it: the shape of a `logAnalyticsEvent` call, its fields and their
 * column limits. Shared vocabulary at the bottom of the module graph: it imports nothing of the project.
 */

/**
 * Column limits of the Dynamics 365 `msdyn_kpieventdata` table (and the conversation/session tables) that
 * `logAnalyticsEvent` writes to. A longer value does not fit its column.
 */
export const CIF_LIMITS = {
  conversationId: 100,
  providerSessionId: 100,
  clientSessionId: 100,
  participantId: 100,
  kpiEventName: 100,
  kpiEventReason: 100,
  additionalData: 2000,
  notificationResponseAction: 100,
  externalCorrelationId: 100,
  customDataValue: 100,
  customDataAttribute: 100,
} as const;

/** Event names CIF logs itself; a custom KPI with one of these names would be counted twice. */
export const CIF_FIRST_PARTY_EVENT_NAMES: ReadonlySet<string> = new Set([
  'NotificationReceived',
  'NotificationAccepted',
  'NotificationAutoAccepted',
  'NotificationRejected',
  'NotificationTimedOut',
  'SessionStarted',
  'SessionFocusIn',
  'SessionFocusOut',
  'SessionClosed',
  'NewTabOpened',
  'CifSessionStart',
  'CifSessionEnd',
]);

/** The fields an item of `data.events` may carry, in the order they are written. */
export const KPI_EVENT_FIELDS = [
  'kpiEventName',
  'kpiEventReason',
  'eventTimestamp',
  'additionalData',
  'notificationResponseAction',
  'externalCorrelationId',
  'customData',
] as const;

/** The fields `data` may carry besides `events`: the ids every event is stamped with. */
export const CONTEXT_FIELDS = ['conversationId', 'providerSessionId', 'clientSessionId', 'participantId'] as const;

/** The ids of `data` that must be present before anything is sent. */
export const REQUIRED_CONTEXT_FIELDS = ['conversationId', 'providerSessionId'] as const;

/** Everything a call is made with besides its events: the ids, then the `eventName` and `correlationId` arguments. */
export const CALL_FIELDS = [...CONTEXT_FIELDS, 'eventName', 'correlationId'] as const;

export type CallField = (typeof CALL_FIELDS)[number];

/** A `customData[].attribute` is written as a column name: letters, digits and underscores. */
export const CUSTOM_ATTRIBUTE_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** GUID in its canonical 8-4-4-4-12 form, as CIF expects for `correlationId`. */
export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One `{ attribute, value }` item of a KPI event's `customData`, as CIF takes it. */
export interface CifCustomDataItem {
  attribute: string;
  value: string;
}

/** One item of `data.events` as it is sent to `logAnalyticsEvent`: every value is a string. */
export interface CifKpiEvent {
  kpiEventName: string;
  kpiEventReason?: string;
  eventTimestamp: string;
  additionalData?: string;
  notificationResponseAction?: string;
  externalCorrelationId?: string;
  customData?: CifCustomDataItem[];
}

/**
 * What a widget puts in a `cif-kpi` event's `detail` (or passes to `logger.log()`). Only `kpiEventName` is
 * required; values that are not strings are converted.
 */
export interface CifKpiEventDetail {
  kpiEventName: string;
  kpiEventReason?: unknown;
  /** A string, or any JSON value (serialised). */
  additionalData?: unknown;
  notificationResponseAction?: unknown;
  externalCorrelationId?: unknown;
  /** An object map `{ attribute: value }` or the CIF array `[{ attribute, value }]`. */
  customData?: Record<string, unknown> | ReadonlyArray<{ attribute: string; value: unknown }>;
  /** When it happened: a Date, epoch milliseconds or an ISO 8601 date-time with a zone. Default: capture time. */
  eventTimestamp?: Date | number | string;
}

/** A complete, valid context: what every event is stamped with at capture time. */
export interface DeliveryContext {
  conversationId: string;
  providerSessionId: string;
  clientSessionId?: string;
  participantId?: string;
  /** The `eventName` argument; when absent each event's `kpiEventName` is used. */
  eventName?: string;
  /** A GUID, or absent. */
  correlationId?: string;
}

/** The `data` argument of `logAnalyticsEvent`: exactly the documented fields. */
export interface CifAnalyticsData {
  conversationId: string;
  providerSessionId: string;
  clientSessionId?: string;
  participantId?: string;
  events: CifKpiEvent[];
}

/** One `logAnalyticsEvent(data, eventName, correlationId?)` call. */
export interface CifAnalyticsCall {
  data: CifAnalyticsData;
  eventName: string;
  correlationId?: string;
}

/** The times a Dataverse DateTime column holds (years 1753–9999), in epoch ms. */
export const MIN_TIME = Date.UTC(1753, 0, 1);
export const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
