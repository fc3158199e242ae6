import 'cif-kpi-logger';
import type {} from 'cif-kpi-logger/react';

export function Softphone({ conversationId, sessionId }: { conversationId: string; sessionId: string }) {
  return (
    <div>
      <button data-kpi="CallAccepted">Accept</button>
      <cif-kpi-logger
        conversation-id={conversationId}
        provider-session-id={sessionId}
        oncif-kpi-error={(event) => console.warn(event.detail.message)}
      >
        <cif-kpi-rule on="call-ended" kpi="CallEnded" reason="{detail.reason}" />
      </cif-kpi-logger>
    </div>
  );
}
