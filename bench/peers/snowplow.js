// The Snowplow browser tracker with button-click tracking, capturing clicks on the same buttons, with its defaults
// otherwise. Its persistence is `stateStorageStrategy` (default `cookieAndLocalStorage`: the event queue in
// localStorage, ids in cookies); off is `none`.
import { newTracker } from '@snowplow/browser-tracker';
import { ButtonClickTrackingPlugin, enableButtonClickTracking } from '@snowplow/browser-plugin-button-click-tracking';

export function start({ persist = true } = {}) {
  let count = 0;
  newTracker('sp', 'https://collector.invalid', {
    appId: 'bench',
    eventMethod: 'post',
    ...(persist ? {} : { stateStorageStrategy: 'none' }),
    plugins: [ButtonClickTrackingPlugin(), { afterTrack: () => count++ }],
  });
  enableButtonClickTracking();
  return { count: () => count };
}
