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

export function Wrong() {
  return (
    // @ts-expect-error max-retries takes a number, not an object
    <cif-kpi-logger max-retries={{ n: 1 }} />
  );
}
