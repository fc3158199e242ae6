/**
 * The CIF contract as the simulated host checks it: what one `logAnalyticsEvent` call may carry.
 */
import { CIF_LIMITS, CONTEXT_FIELDS, GUID_PATTERN, KPI_EVENT_FIELDS } from '../vocabulary/cif-contract.js';

/**
 * Checks the arguments of one `logAnalyticsEvent` call against the CIF contract: required fields, only the
 * documented fields, string values, column limits, ISO timestamps, GUID correlation id. Returns the
 * violations found (empty for a valid call).
 */
export function checkCifCall(args: readonly unknown[]): string[] {
  const [data, eventName, correlationId] = args;
  const out: string[] = [];
  const text = (value: unknown, where: string, limit: number, required = false) => {
    if (value === undefined) {
      if (required) out.push(`${where} is missing`);
      return;
    }
    if (typeof value !== 'string') out.push(`${where} is a ${typeof value}, not a string`);
    else if (required && value === '') out.push(`${where} is empty`);
    else if (value.length > limit) out.push(`${where} is ${value.length} characters, over ${limit}`);
  };
  if (typeof eventName !== 'string' || eventName === '') out.push('eventName must be a non-empty string');
  if (args.length > 2 && (typeof correlationId !== 'string' || !GUID_PATTERN.test(correlationId))) {
    out.push('correlationId is passed but is not a GUID');
  }
  if (typeof data !== 'object' || data === null) return [...out, 'data is not an object'];
  const record = ownFields(data);
  for (const key of Object.keys(record)) {
    if (key !== 'events' && !(CONTEXT_FIELDS as readonly string[]).includes(key))
      out.push(`data.${key} is not a CIF field`);
  }
  for (const field of CONTEXT_FIELDS) {
    text(
      record[field],
      `data.${field}`,
      CIF_LIMITS[field],
      field === 'conversationId' || field === 'providerSessionId',
    );
  }
  if (!Array.isArray(record.events) || record.events.length === 0)
    return [...out, 'data.events is not a non-empty array'];
  record.events.forEach((item: unknown, i: number) => {
    const where = `data.events[${i}]`;
    if (typeof item !== 'object' || item === null) {
      out.push(`${where} is not an object`);
      return;
    }
    const ev = ownFields(item);
    for (const key of Object.keys(ev)) {
      if (!(KPI_EVENT_FIELDS as readonly string[]).includes(key)) out.push(`${where}.${key} is not a CIF field`);
    }
    text(ev.kpiEventName, `${where}.kpiEventName`, CIF_LIMITS.kpiEventName, true);
    text(ev.kpiEventReason, `${where}.kpiEventReason`, CIF_LIMITS.kpiEventReason);
    text(ev.additionalData, `${where}.additionalData`, CIF_LIMITS.additionalData);
    text(ev.notificationResponseAction, `${where}.notificationResponseAction`, CIF_LIMITS.notificationResponseAction);
    text(ev.externalCorrelationId, `${where}.externalCorrelationId`, CIF_LIMITS.externalCorrelationId);
    if (ev.eventTimestamp !== undefined) {
      const ts = ev.eventTimestamp;
      if (typeof ts !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(ts)) {
        out.push(`${where}.eventTimestamp is not an ISO 8601 date-time with a zone`);
      }
    }
    if (ev.customData !== undefined) {
      if (!Array.isArray(ev.customData)) out.push(`${where}.customData is not an array`);
      else
        ev.customData.forEach((entry: unknown, j: number) => {
          const at = `${where}.customData[${j}]`;
          if (typeof entry !== 'object' || entry === null) return void out.push(`${at} is not an object`);
          const pair = ownFields(entry);
          if (Object.keys(pair).some((k) => k !== 'attribute' && k !== 'value'))
            out.push(`${at} has fields other than attribute and value`);
          text(pair.attribute, `${at}.attribute`, CIF_LIMITS.customDataAttribute, true);
          if (pair.value === undefined) out.push(`${at}.value is missing`);
          text(pair.value, `${at}.value`, CIF_LIMITS.customDataValue);
        });
    }
  });
  return out;
}

/** The own fields of what the host received, as the host reads them: nothing inherited from a polluted prototype. */
function ownFields(value: object): Record<string, unknown> {
  return Object.assign(Object.create(null) as Record<string, unknown>, value);
}
