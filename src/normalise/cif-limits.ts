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

/** The fields `data` may carry besides `events`. */
export const CONTEXT_FIELDS = ['conversationId', 'providerSessionId', 'clientSessionId', 'participantId'] as const;

/** A `customData[].attribute` is written as a column name: letters, digits and underscores. */
export const CUSTOM_ATTRIBUTE_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** GUID in its canonical 8-4-4-4-12 form, as CIF expects for `correlationId`. */
export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The optional KPI event fields markup can fill, by attribute name: `data-kpi-reason` on elements,
 * `reason` on `<cif-kpi-rule>`.
 */
export const FIELD_ATTRIBUTE_NAMES: ReadonlyArray<[attribute: string, field: string]> = [
  ['reason', 'kpiEventReason'],
  ['additional-data', 'additionalData'],
  ['notification-response-action', 'notificationResponseAction'],
  ['external-correlation-id', 'externalCorrelationId'],
];
