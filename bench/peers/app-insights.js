// Application Insights with its click-analytics plugin, set up to capture clicks on the tagged buttons, with its
// defaults otherwise. Its persistence is the session-storage send buffer (`enableSessionStorageBuffer`, on by
// default).
import { ApplicationInsights } from '@microsoft/applicationinsights-web';
import { ClickAnalyticsPlugin } from '@microsoft/applicationinsights-clickanalytics-js';

export function start({ persist = true } = {}) {
  let count = 0;
  const clickPlugin = new ClickAnalyticsPlugin();
  const appInsights = new ApplicationInsights({
    config: {
      connectionString:
        'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://collector.invalid/',
      extensions: [clickPlugin],
      extensionConfig: {
        [clickPlugin.identifier]: {
          autoCapture: true,
          dataTags: { useDefaultContentNameOrId: true, customDataPrefix: 'data-kpi-' },
        },
      },
      disableAjaxTracking: true,
      disableFetchTracking: true,
      enableAutoRouteTracking: false,
      enableSessionStorageBuffer: persist,
    },
  });
  appInsights.loadAppInsights();
  appInsights.addTelemetryInitializer(() => {
    count++;
  });
  return { count: () => count, flush: () => appInsights.flush() };
}
