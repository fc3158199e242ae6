// Application Insights with its click-analytics plugin, set up to capture clicks on the tagged buttons.
import { ApplicationInsights } from '@microsoft/applicationinsights-web';
import { ClickAnalyticsPlugin } from '@microsoft/applicationinsights-clickanalytics-js';

export function start() {
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
    },
  });
  appInsights.loadAppInsights();
  appInsights.addTelemetryInitializer(() => {
    count++;
  });
  return { count: () => count };
}
