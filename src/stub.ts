/**
 * `dist/cdn/cif-kpi-stub.js`: a tiny classic script for the page's `<head>`, before anything else, that keeps what
 * happens before the logger's bundle has loaded: `cif-kpi` events, and clicks, submits and changes of `data-kpi`
 * elements, each with its capture time and path, at most `STUB_LIMIT` (more are counted). It keeps each as it was
 * at the event (a widget may reuse its detail object, a button change its markup once clicked): a copy of the
 * detail, and the `data-kpi*` attributes on the event's path. It stops as soon as the `<cif-kpi-logger>` element is
 * defined; each logger that connects then takes the events in its scope and maps them as if it had heard them
 * live. Nothing in it may throw into the page.
 */
import { KPI_ATTRIBUTE } from './vocabulary/attribute-names.js';
import { CIF_KPI_EVENT } from './vocabulary/logger-events.js';
import { STUB_KEY, STUB_LIMIT, type CopiedAttributes, type StubBuffer } from './vocabulary/stub.js';

/**
 * An object as it is now, one level deep, with no prototype (nothing a page added to `Object.prototype` is read
 * back from it); an array's items are copied so too. Anything else (a Date too) is itself.
 */
const copy = (value: unknown): unknown =>
  Object(value) !== value || value instanceof Date
    ? value
    : Array.isArray(value)
      ? value.map(copy)
      : { __proto__: null, ...(value as object) };

// Read through the prototype: a form's own `getAttribute` can be one of its fields (`<input name="getAttribute">`).
const { getAttributeNames, getAttribute } = Element.prototype;

const win = window as unknown as { [STUB_KEY]?: StubBuffer };
if (!win[STUB_KEY]) {
  const heard: StubBuffer['heard'] = [];
  const buffer: StubBuffer = (win[STUB_KEY] = { heard, lost: 0 });
  const hear = (event: Event) => {
    if (customElements.get('cif-kpi-logger')) return; // the logger hears for itself now
    const path = event.composedPath();
    let kpi = event.type === CIF_KPI_EVENT;
    let kept: unknown;
    try {
      if (kpi) {
        kept = copy((event as CustomEvent<unknown>).detail);
        (kept as { customData?: unknown }).customData &&= copy((kept as { customData?: unknown }).customData);
      } else {
        kept = path.map((node) => {
          let attributes: CopiedAttributes | undefined;
          if (node instanceof Element)
            for (const name of getAttributeNames.call(node))
              if (name.startsWith(KPI_ATTRIBUTE)) {
                (attributes ??= {})[name] = getAttribute.call(node, name)!;
                if (name === KPI_ATTRIBUTE) kpi = true;
              }
          return attributes;
        });
      }
    } catch {
      // A getter threw (or a null detail has no fields): what was not copied is read when a logger takes it.
    }
    if (!kpi) return;
    // `heard` is the buffer's list still: loggers take from it only once the element is defined.
    if (heard.length < STUB_LIMIT) heard.push([event, Date.now(), path, kept]);
    else buffer.lost++;
  };
  for (const type of [CIF_KPI_EVENT, 'click', 'submit', 'change']) addEventListener(type, hear, true);
}
