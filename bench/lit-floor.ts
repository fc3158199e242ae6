// The floor for a Lit bundle: a trivial element, bundled exactly like dist/cdn/cif-kpi-logger.js.
import { LitElement, html } from 'lit';

class TrivialElement extends LitElement {
  override render() {
    return html`<slot></slot>`;
  }
}
customElements.define('trivial-element', TrivialElement);
