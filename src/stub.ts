/**
 * `dist/cdn/cif-kpi-stub.js`: a tiny classic script for the page's `<head>`, before anything else, that keeps what
 * happens before the logger's bundle has loaded: `cif-kpi` events, and clicks, submits and changes of `data-kpi`
 * elements, each with its capture time and path, at most `STUB_LIMIT` (more are counted). It stops as soon as the
 * `<cif-kpi-logger>` element is defined; each logger that connects then takes the events in its scope and maps
 * them as if it had heard them live.
 */
import { STUB_KEY, STUB_LIMIT, type StubBuffer } from './vocabulary/stub.js';

const win = window as unknown as { [STUB_KEY]?: StubBuffer };
if (!win[STUB_KEY]) {
  const buffer: StubBuffer = (win[STUB_KEY] = { heard: [], lost: 0 });
  const hear = (event: Event) => {
    if (customElements.get('cif-kpi-logger')) return; // the logger hears for itself now
    const path = event.composedPath();
    if (event.type !== 'cif-kpi' && !path.some((node) => (node as Element).hasAttribute?.('data-kpi'))) return;
    if (buffer.heard.length < STUB_LIMIT) buffer.heard.push([event, Date.now(), path]);
    else buffer.lost++;
  };
  for (const type of ['cif-kpi', 'click', 'submit', 'change']) addEventListener(type, hear, true);
}
