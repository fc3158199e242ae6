// Compiled by `npm run lint` (tsc --noEmit), not run: the React JSX typings accept the README's usage and refuse
// wrong attribute types.
import type {} from '../../src/react-jsx.js';

export function Softphone({ conversationId, sessionId }: { conversationId: string; sessionId: string }) {
  return (
    <div>
      <button data-kpi="CallAccepted">Accept</button>
      <cif-kpi-logger
        conversation-id={conversationId}
        provider-session-id={sessionId}
        flush-delay={250}
        oncif-kpi-error={(event) => console.warn(event.detail.code, event.detail.message)}
        oncif-kpi-sent={(event) => console.info(event.detail.data.events.length)}
      >
        <cif-kpi-rule
          on="call-ended"
          kpi="CallEnded"
          reason="{detail.reason}"
          custom-msdyn_customattribute1="{detail.queue}"
        />
      </cif-kpi-logger>
    </div>
  );
}

export function Collapsed() {
  return <cif-kpi-logger debug="badge" log-level="info" max-batch="50" no-persist />;
}

export function Wrong() {
  return (
    // @ts-expect-error max-retries takes a number, not an object
    <cif-kpi-logger max-retries={{ n: 1 }} />
  );
}

export function WrongLevel() {
  return (
    // @ts-expect-error log-level is one of none, error, warn, info, debug
    <cif-kpi-logger log-level="loud" />
  );
}

export function WrongListener() {
  return (
    // @ts-expect-error the detail of cif-kpi-dropped has no code
    <cif-kpi-logger oncif-kpi-dropped={(event) => event.detail.code} />
  );
}

export function RuleWithoutKpi() {
  return (
    // @ts-expect-error a rule needs its kpi
    <cif-kpi-rule on="call-ended" />
  );
}
