/** How the debug inspector writes its DOM: elements with a `part` and text, never HTML. */

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  part?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (part) node.setAttribute('part', part);
  if (text !== undefined) node.textContent = text;
  return node;
}

export function span(className: string, text: string): HTMLSpanElement {
  const node = el('span', undefined, text);
  node.className = className;
  return node;
}
