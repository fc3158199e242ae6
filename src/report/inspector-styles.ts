/**
 * The debug inspector's styles: a constructed stylesheet's text (it works under `style-src 'self'`), themable through
 * `::part()` and the `--cif-kpi-inspector-*` custom properties.
 */
export const STYLES = `
  :host([debug]) { display: block; }
  [part~='inspector'] {
    font: var(--cif-kpi-inspector-font, 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace);
    color: var(--cif-kpi-inspector-color, #1b2430);
    background: var(--cif-kpi-inspector-background, #f8fafc);
    border: 1px solid var(--cif-kpi-inspector-border-color, #c8d1dc);
    border-radius: var(--cif-kpi-inspector-radius, 6px);
    padding: 0.5em 0.75em;
    min-width: 0;
  }
  [hidden] { display: none !important; }
  header { display: flex; flex-wrap: wrap; gap: 0.5em 1em; align-items: center; justify-content: space-between; }
  h2, h3 { font-size: 1em; margin: 0; }
  h3 { margin-top: 0.5em; }
  dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0 0.75em; margin: 0.5em 0; }
  dt { opacity: 0.75; }
  dd { margin: 0; overflow-wrap: anywhere; }
  [part~='stats'] { display: flex; flex-wrap: wrap; gap: 0.25em 1em; margin: 0.5em 0; padding: 0; list-style: none; }
  [part~='problems'] { margin: 0.25em 0; padding: 0; list-style: none; max-height: var(--cif-kpi-inspector-max-height, 16em); overflow: auto; }
  [part~='problem'] { padding: 0.15em 0; border-top: 1px solid rgb(0 0 0 / 0.08); overflow-wrap: anywhere; }
  [part~='events'] { margin: 0; padding: 0; list-style: none; max-height: var(--cif-kpi-inspector-max-height, 16em); overflow: auto; }
  [part~='events']:focus-visible, button:focus-visible, summary:focus-visible {
    outline: 2px solid var(--cif-kpi-inspector-accent, #2563eb); outline-offset: 1px;
  }
  [part~='event'] { padding: 0.15em 0; border-top: 1px solid rgb(0 0 0 / 0.08); }
  summary { display: flex; flex-wrap: wrap; gap: 0 0.5em; cursor: pointer; list-style: none; }
  summary::-webkit-details-marker { display: none; }
  summary::before { content: '▸'; width: 0.8em; }
  details[open] > summary::before { content: '▾'; }
  summary .state { min-width: 5.5em; }
  summary .name { flex: 1 1 10em; min-width: 0; overflow-wrap: anywhere; }
  .why, .note { flex-basis: 100%; padding-left: 1.3em; overflow-wrap: anywhere; }
  [part~='payload'] { margin: 0.25em 0 0.25em 1.3em; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 20em; overflow: auto; }
  .state, .kind { font-weight: 600; }
  .held, .retrying, .note, .kind.warning { color: var(--cif-kpi-inspector-pending-color, #8a5a00); }
  .sent { color: var(--cif-kpi-inspector-sent-color, #17663a); }
  .failed, .dropped, .invalid, .kind.error { color: var(--cif-kpi-inspector-error-color, #b42318); }
  button {
    font: inherit; color: inherit; background: var(--cif-kpi-inspector-button-background, #fff);
    border: 1px solid currentColor; border-radius: 4px; padding: 0.1em 0.6em; cursor: pointer;
  }
  .actions { display: flex; flex-wrap: wrap; gap: 0.5em; }
  .status.ready { color: var(--cif-kpi-inspector-sent-color, #17663a); }
  .status.waiting { color: var(--cif-kpi-inspector-pending-color, #8a5a00); }
  [part~='badge'] {
    position: fixed; inset: auto var(--cif-kpi-inspector-badge-right, 1em) var(--cif-kpi-inspector-badge-bottom, 1em) auto;
    z-index: 2147483000; font: var(--cif-kpi-inspector-font, 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace);
    color: var(--cif-kpi-inspector-color, #1b2430); background: var(--cif-kpi-inspector-background, #f8fafc);
    border: 1px solid var(--cif-kpi-inspector-border-color, #c8d1dc); border-radius: 999px; padding: 0.3em 0.8em;
    box-shadow: 0 1px 4px rgb(0 0 0 / 0.2);
  }
`;
