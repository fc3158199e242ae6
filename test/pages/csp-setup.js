// Set-up of the strict-CSP pages (an external module: the pages allow no inline script). Records any CSP or
// Trusted Types violation, and starts a simulated CIF library.
import { SimulatedCifHost } from '/dist/cdn/simulated-cif-host.js';

window.violations = [];
document.addEventListener('securitypolicyviolation', (event) =>
  window.violations.push(`${event.violatedDirective}: ${event.blockedURI || event.sample}`),
);
window.host = new SimulatedCifHost({ initDelay: 0, latency: 1 }).install();
