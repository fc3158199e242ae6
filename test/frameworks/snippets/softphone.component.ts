import { Component, CUSTOM_ELEMENTS_SCHEMA, input } from '@angular/core';
import 'cif-kpi-logger';
import type { CifKpiErrorDetail } from 'cif-kpi-logger';

@Component({
  selector: 'app-softphone',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <button data-kpi="CallAccepted">Accept</button>
    <cif-kpi-logger
      [attr.conversation-id]="conversationId()"
      [attr.provider-session-id]="sessionId()"
      (cif-kpi-error)="onError($event)"
    >
      <cif-kpi-rule on="call-ended" kpi="CallEnded" reason="{detail.reason}"></cif-kpi-rule>
    </cif-kpi-logger>
  `,
})
export class SoftphoneComponent {
  readonly conversationId = input.required<string>();
  readonly sessionId = input.required<string>();

  onError(event: Event) {
    console.warn((event as CustomEvent<CifKpiErrorDetail>).detail.message);
  }
}
