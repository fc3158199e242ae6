/** The attribute of a camel-case property, as the logger declares them: `conversationId` → `conversation-id`. */
export function attributeOf(property: string): string {
  return property.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/**
 * The optional KPI event fields markup can fill, by attribute name: `data-kpi-reason` on elements,
 * `reason` on `<cif-kpi-rule>`.
 */
export const FIELD_ATTRIBUTE_NAMES = [
  ['reason', 'kpiEventReason'],
  ['additional-data', 'additionalData'],
  ['notification-response-action', 'notificationResponseAction'],
  ['external-correlation-id', 'externalCorrelationId'],
] as const;

/** Marks an element as a KPI source; the value is the KPI name. */
export const KPI_ATTRIBUTE = 'data-kpi';
/** Picks the DOM event that fires it (default: `click`; `submit` for forms; `change` for form fields). */
export const KPI_ON_ATTRIBUTE = 'data-kpi-on';
/** On an element or ancestor: its events are not captured from markup. */
export const KPI_IGNORE_ATTRIBUTE = 'data-kpi-ignore';
/** Names a `customData` column from markup: `data-kpi-custom-msdyn_customattribute1`. */
export const CUSTOM_PREFIX = 'data-kpi-custom-';

/** The `data-kpi*` attributes markup knows besides `data-kpi-custom-*`. */
export const MARKUP_ATTRIBUTES: readonly string[] = [
  KPI_ATTRIBUTE,
  KPI_ON_ATTRIBUTE,
  KPI_IGNORE_ATTRIBUTE,
  // Pure: a bundle that needs only the names above (the stub) leaves this list out.
  .../* @__PURE__ */ FIELD_ATTRIBUTE_NAMES.map(([name]) => `${KPI_ATTRIBUTE}-${name}`),
];
