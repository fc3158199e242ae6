// Stands in for msdyn_ciLibrary.js: Microsoft.CIFramework appears 2 s after load and fires CIFInitDone.
import { SimulatedCifHost } from '../dist/cdn/simulated-cif-host.js';

window.simulatedHost = new SimulatedCifHost({ initDelay: 2000, latency: 120 }).install();
