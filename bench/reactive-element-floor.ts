// The floor for what the logger uses of Lit: a trivial ReactiveElement, bundled like the logger.
import { ReactiveElement } from 'lit';

class TrivialElement extends ReactiveElement {}
customElements.define('trivial-element', TrivialElement);
