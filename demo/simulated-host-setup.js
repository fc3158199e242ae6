// Stands in for msdyn_ciLibrary.js: Microsoft.CIFramework appears 2 s after load and fires CIFInitDone.
import { SimulatedCifHost } from '../dist/cdn/simulated-cif-host.js';

// Its organisation defines these KPI events; "DispositionChosen" is missing, so the logger (check-kpi-names) warns
// of it once, and still sends it.
const kpiDefinitions = [
  'CallAccepted',
  'CallHold',
  'CallResume',
  'CallEnded',
  'IncomingCallAnswered',
  'IncomingCallDeclined',
  'QueueCallEnded',
  'ChatCannedReply',
  'ChatTransferred',
];
// Two Omnichannel sessions of this provider; the logger (auto-context) takes the focused one's conversation id.
const sessions = {
  'session-A': { conversationId: '7c1f2a9e-0d4b-4e61-9a3c-2b8d5e6f7a10' },
  'session-B': { conversationId: '4d2e8f10-5a6b-4c7d-8e9f-0a1b2c3d4e5f' },
};
window.simulatedHost = new SimulatedCifHost({
  initDelay: 2000,
  latency: 120,
  kpiDefinitions,
  sessions,
  focusedSession: 'session-A',
}).install();
