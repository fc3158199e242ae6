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
window.simulatedHost = new SimulatedCifHost({ initDelay: 2000, latency: 120, kpiDefinitions }).install();
