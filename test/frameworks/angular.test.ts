import { expect } from '@open-wc/testing';
import sinon from 'sinon';
// The component is compiled ahead of time by Angular's compiler (scripts/angular-for-tests.mjs), with strict
// template checks: without CUSTOM_ELEMENTS_SCHEMA its template would not compile. Angular's own packages ship
// partially compiled; they are linked ahead of time too, as an Angular build links them: no JIT compiler on the page.
import { createComponent, provideZonelessChangeDetection, type ApplicationRef, type ComponentRef } from '@angular/core';
import { createApplication } from '@angular/platform-browser';
import '../../src/define.js';
import { eventRows, readyHost } from '../support/harness.js';
import { SoftphoneComponent } from './snippets/softphone.component.js';

/** The documented Angular standalone component (test/frameworks/snippets/softphone.component.ts), as written. */
describe('Angular', () => {
  let app: ApplicationRef;
  let component: ComponentRef<SoftphoneComponent>;
  let container: HTMLElement;
  beforeEach(async () => {
    container = document.body.appendChild(document.createElement('div'));
    app = await createApplication({ providers: [provideZonelessChangeDetection()] });
  });
  afterEach(() => {
    component?.destroy();
    app.destroy();
    container.remove();
  });

  it('renders the documented standalone component with CUSTOM_ELEMENTS_SCHEMA, and logs through it', async () => {
    const host = readyHost();
    const warn = sinon.stub(console, 'warn');
    const error = sinon.stub(console, 'error');
    try {
      component = createComponent(SoftphoneComponent, {
        environmentInjector: app.injector,
        hostElement: container.appendChild(document.createElement('app-softphone')),
      });
      component.setInput('conversationId', 'conv-N');
      component.setInput('sessionId', 'prov-N');
      app.attachView(component.hostView);
      component.changeDetectorRef.detectChanges();
      const logger = container.querySelector('cif-kpi-logger')!;
      await logger.updateComplete;
      expect(logger.conversationId).to.equal('conv-N');
      const button = container.querySelector<HTMLElement>('[data-kpi]')!;
      button.click();
      button.dispatchEvent(new CustomEvent('call-ended', { bubbles: true, detail: { reason: 'Resolved' } }));
      button.dispatchEvent(new CustomEvent('cif-kpi', { bubbles: true, detail: { kpiEventName: '' } }));
      component.setInput('conversationId', 'conv-M');
      component.changeDetectorRef.detectChanges();
      button.click();
      await logger.flush();
      expect(eventRows(host)).to.deep.equal([
        ['conv-N', 'CallAccepted', ''],
        ['conv-N', 'CallEnded', 'Resolved'],
        ['conv-M', 'CallAccepted', ''],
      ]);
      // Its (cif-kpi-error) listener heard the refused event; Angular found no unknown element.
      expect(warn.getCalls().map((call) => String(call.args[0]))).to.deep.equal([
        'kpiEventName must be a non-empty string; got ""',
      ]);
      const angularErrors = error.getCalls().filter((call) => call.args[0] !== '[cif-kpi-logger]');
      expect(angularErrors.map((call) => String(call.args[0]))).to.deep.equal([]);
    } finally {
      warn.restore();
      error.restore();
    }
  });
});
