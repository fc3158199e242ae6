import { expect, fixture, html } from '@open-wc/testing';
import fc from 'fast-check';
import '../src/define.js';
import type { CifKpiErrorDetail } from '../src/vocabulary/logger-events.js';
import { collect, propertyRuns, readyHost, type Logger } from './support/harness.js';

/**
 * Rules with random placeholder paths, some allowed and most not, read from an instrumented target and from
 * details that hold the document, the window and storage: a rule reads nothing of its target outside the
 * allow-list, and nothing secret reachable from a detail ever reaches a payload.
 */
const ALLOWED = ['id', 'name', 'type', 'localName', 'value', 'checked', 'selected', 'title', 'ariaLabel', 'dataset'];
const FORBIDDEN = [
  'ownerDocument',
  'parentNode',
  'parentElement',
  'innerHTML',
  'outerHTML',
  'textContent',
  'innerText',
  'shadowRoot',
  'form',
  'labels',
  'children',
  'firstChild',
  'nextSibling',
  'attributes',
  'style',
  'baseURI',
  'cookie',
  'defaultView',
  'localStorage',
  'sessionStorage',
  'body',
];
const SECRET = 'SECRET-7d1e';

describe('what a rule can read', () => {
  it('nothing of the target outside the allow-list, nothing secret through a detail', async function () {
    this.timeout(60_000);
    const host = readyHost();
    const root = await fixture<HTMLElement>(html`<div><input id="probe" /></div>`);
    const logger = document.createElement('cif-kpi-logger') as Logger;
    for (const [name, value] of [
      ['conversation-id', 'c'],
      ['provider-session-id', 'p'],
      ['flush-delay', '0'],
      ['no-persist', ''],
    ])
      logger.setAttribute(name, value!);
    root.append(logger);
    await logger.updateComplete;
    const errors = collect<CifKpiErrorDetail>(root, 'cif-kpi-error');
    // The rule compiler loads the first time a rule appears: from then on rules are read synchronously.
    logger.insertAdjacentHTML('beforeend', '<cif-kpi-rule on="warm-up" kpi="WarmUp"></cif-kpi-rule>');
    await logger.flush();

    // The target records every property read of it (as own getters, read before the DOM's own).
    const target = root.querySelector('input')!;
    const reads: string[] = [];
    for (const name of [...ALLOWED, ...FORBIDDEN]) {
      Object.defineProperty(target, name, {
        configurable: true,
        get: () => {
          reads.push(name);
          return name === 'dataset' ? { x: 'data-x' } : `${SECRET}-${name}`;
        },
      });
    }
    // What a detail may hold: plain data, and things that lead anywhere in the page.
    document.cookie = `probe=${SECRET}`;
    localStorage.setItem('probe', SECRET);
    const leak = document.createElement('p');
    leak.textContent = SECRET;
    document.body.append(leak);
    const detail = { plain: { ok: 'fine' }, node: leak, doc: document, win: window, store: localStorage };

    const segment = fc.constantFrom(
      ...ALLOWED,
      ...FORBIDDEN,
      'x',
      'plain',
      'ok',
      'node',
      'doc',
      'win',
      'store',
      'probe',
    );
    const path = fc.tuple(fc.constantFrom('target', 'detail'), fc.array(segment, { minLength: 1, maxLength: 3 }));
    const runs = await propertyRuns(150, 4_711);
    try {
      fc.assert(
        fc.property(path, ([start, keys]) => {
          const text = `${start}.${keys.join('.')}`;
          const rule = document.createElement('cif-kpi-rule');
          rule.setAttribute('on', 'probe');
          rule.setAttribute('kpi', 'Probe');
          rule.setAttribute('reason', `{${text}}`);
          logger.append(rule);
          reads.length = 0;
          target.dispatchEvent(new CustomEvent('probe', { bubbles: true, detail }));
          rule.remove();
          const outside = reads.filter((name) => !ALLOWED.includes(name));
          expect(outside, `{${text}} read`).to.deep.equal([]);
          const refused = errors.some((e) => e.code === 'invalid-rule' && e.message.includes(`{${text}}`));
          const allowed =
            start === 'detail' ||
            (keys.length === 1 && ALLOWED.includes(keys[0]!) && keys[0] !== 'dataset') ||
            (keys.length === 2 && keys[0] === 'dataset');
          expect(refused, `{${text}} refused when it parsed`).to.equal(!allowed);
        }),
        { ...runs, includeErrorInReport: true },
      );
      await logger.flush();
      const sent = JSON.stringify(host.calls.map((call) => call.data));
      // Allowed target properties return the marker through the instrumented getters; nothing else may.
      for (const name of FORBIDDEN) expect(sent, name).to.not.contain(`${SECRET}-${name}`);
      expect(sent.replace(new RegExp(`${SECRET}-(${ALLOWED.join('|')})`, 'g'), '')).to.not.contain(SECRET);
    } finally {
      leak.remove();
      localStorage.removeItem('probe');
      document.cookie = 'probe=; expires=Thu, 01 Jan 1970 00:00:00 GMT';
    }
  });
});
