// The Snowplow browser tracker with button-click tracking, capturing clicks on the same buttons.
import { newTracker } from '@snowplow/browser-tracker';
import { ButtonClickTrackingPlugin, enableButtonClickTracking } from '@snowplow/browser-plugin-button-click-tracking';

export function start() {
  let count = 0;
  newTracker('sp', 'https://collector.invalid', {
    appId: 'bench',
    eventMethod: 'post',
    plugins: [ButtonClickTrackingPlugin(), { afterTrack: () => count++ }],
  });
  enableButtonClickTracking();
  return { count: () => count };
}
