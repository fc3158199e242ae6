/**
 * The simulated host's `searchAndOpenRecords`, as `check-kpi-names` uses it: the organisation's active KPI event
 * definitions (`msdyn_kpieventdefinition`).
 */
import type { Later } from './host-replies.js';

/**
 * How `searchAndOpenRecords` answers: as the real library does (a JSON string of an object keyed "0", "1", …), a
 * JSON string of an array, a rejection (a JSON string, as the real library rejects), or never.
 */
export type SearchReply = 'object' | 'array' | 'reject' | 'never';

export interface RecordedSearch {
  entityName: unknown;
  queryParameters: unknown;
  searchOnly: unknown;
}

/**
 * Searches, as the real library does for `searchOnly`: the records of `kpiDefinitions` for
 * `msdyn_kpieventdefinition` (any other entity has none), as a JSON string of an object keyed "0", "1", … (or as
 * `reply` says), after `latency`. Arguments the library refuses are rejected with a JSON string, as it rejects them.
 */
export function searchAnswer(
  { entityName, queryParameters, searchOnly }: RecordedSearch,
  kpiDefinitions: readonly string[],
  reply: SearchReply,
  later: Later,
  latency: number,
): Promise<string> {
  if (!entityName || !queryParameters || searchOnly === null || searchOnly === undefined) {
    return Promise.reject(
      JSON.stringify({ message: 'The entityName, queryParameters or searchOnly parameter is missing' }),
    );
  }
  const records =
    entityName === 'msdyn_kpieventdefinition'
      ? kpiDefinitions.map((name, i) => ({
          '@odata.etag': `W/"${1000 + i}"`,
          msdyn_name: name,
          msdyn_kpieventdefinitionid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        }))
      : [];
  return new Promise<string>((resolve, reject) => {
    if (reply === 'never') return;
    later(() => {
      if (reply === 'reject') {
        reject(
          JSON.stringify({
            message: 'Principal user is missing prvReadmsdyn_kpieventdefinition privilege',
            msdyn_name: 'searchandopenrecords',
          }),
        );
      } else {
        resolve(
          JSON.stringify(reply === 'array' ? records : Object.fromEntries(records.map((r, i) => [String(i), r]))),
        );
      }
    }, latency);
  });
}
