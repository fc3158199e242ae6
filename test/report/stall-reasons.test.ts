import { expect } from '@open-wc/testing';
import { stallReasons, type StallView } from '../../src/report/stall-reasons.js';

const view = (over: Partial<StallView>): StallView => ({
  held: 3,
  missingIds: [],
  hostReady: true,
  attributes: [],
  scripts: [],
  ...over,
});

describe('stallReasons', () => {
  it('finds nothing when nothing is held, or nothing holds it', () => {
    expect(stallReasons(view({ held: 0, missingIds: ['conversationId'], hostReady: false }))).to.deep.equal([]);
    expect(stallReasons(view({}))).to.deep.equal([]);
  });

  it('names the missing ids and the attributes that look like them', () => {
    const [warning] = stallReasons(
      view({
        missingIds: ['conversationId', 'providerSessionId'],
        attributes: ['conversationid', 'provider_session_id', 'flush-delay'],
      }),
    );
    expect(warning).to.deep.equal({
      code: 'ids-missing',
      field: 'conversation-id',
      message:
        '3 event(s) held over 5 s: conversation-id and provider-session-id are not set; the element has "conversationid": did you mean "conversation-id"?; the element has "provider_session_id": did you mean "provider-session-id"?',
    });
    expect(stallReasons(view({ missingIds: ['providerSessionId'] }))[0]!.message).to.equal(
      '3 event(s) held over 5 s: provider-session-id is not set',
    );
  });

  it('says what it looked for when the CIF library has not appeared, and whether the page loads it', () => {
    const [absent] = stallReasons(view({ hostReady: false, scripts: ['', 'https://cdn.example/app.js'] }));
    expect(absent!.code).to.equal('host-not-found');
    expect(absent!.message).to.equal(
      '3 event(s) held over 5 s: the CIF library has not appeared (neither window.Microsoft.CIFramework nor its CIFInitDone event); the page has no <script> loading msdyn_ciLibrary.js',
    );
    const src = 'https://org.crm.dynamics.com/webresources/Widget/msdyn_ciLibrary.js?v=2';
    const [loaded] = stallReasons(view({ hostReady: false, scripts: [src] }));
    expect(loaded!.message).to.contain(`the page loads ${src}: is the page open inside Dynamics 365?`);
  });
});
