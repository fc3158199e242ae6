import { waitUntil } from '@open-wc/testing';
import type { SimulatedCifHost } from '../../src/testing/simulated-cif-host.js';
import type { CifKpiLoggerElement } from '../../src/cif-kpi-logger.js';
import type { CifKpiStats } from '../../src/vocabulary/logger-events.js';
import { documentLocks } from './harness.js';

/**
 * Provider pages in iframes, reloaded for real (the persistence tests: test/persistence*.test.ts). A frame shares
 * this page's sessionStorage (same tab, same origin), which is also how two same-origin frames of one tab, or a
 * duplicated tab's copied storage, look.
 */
export interface ProviderFrame {
  frame: HTMLIFrameElement;
  name: string;
  win: () => Window & { host: SimulatedCifHost };
  logger: () => CifKpiLoggerElement;
  report: (reason: string) => void;
  setHost: (mode: HostMode) => void;
  reload: () => Promise<void>;
}

export const frames: HTMLIFrameElement[] = [];

export function clearStorage(): void {
  for (const key of Object.keys(sessionStorage)) {
    if (key.startsWith('test-host-mode:') || key.startsWith('cif-kpi-logger:')) sessionStorage.removeItem(key);
  }
}
beforeEach(clearStorage);
afterEach(() => {
  for (const frame of frames.splice(0)) frame.remove();
  clearStorage();
});

async function loaded(frame: HTMLIFrameElement): Promise<void> {
  await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  const win = frame.contentWindow as Window & { host?: SimulatedCifHost };
  await waitUntil(() => win.customElements?.get('cif-kpi-logger') !== undefined && win.host !== undefined, 'page', {
    timeout: 4000,
    interval: 10,
  });
  const logger = frame.contentDocument!.querySelector('cif-kpi-logger') as CifKpiLoggerElement;
  await logger.updateComplete;
}

/** The CIF host of test/pages/provider-page.html, read from sessionStorage as the page loads. */
export type HostMode = 'absent' | 'stall' | 'ok' | 'first';

export async function providerFrame(name: string, mode: HostMode, query = ''): Promise<ProviderFrame> {
  sessionStorage.setItem(`test-host-mode:${name}`, mode);
  const frame = document.createElement('iframe');
  frame.src = `/test/pages/provider-page.html?name=${name}${query}`;
  frames.push(frame);
  const ready = loaded(frame);
  document.body.append(frame);
  await ready;
  const win = () => frame.contentWindow as Window & { host: SimulatedCifHost };
  return {
    frame,
    name,
    win,
    logger: () => frame.contentDocument!.querySelector('cif-kpi-logger') as CifKpiLoggerElement,
    report: (reason) => {
      const doc = frame.contentDocument!;
      const Custom = (win() as unknown as typeof globalThis).CustomEvent;
      doc.getElementById('widget')!.dispatchEvent(
        new Custom('cif-kpi', {
          bubbles: true,
          composed: true,
          detail: { kpiEventName: 'CallHold', kpiEventReason: reason },
        }),
      );
    },
    setHost: (next) => sessionStorage.setItem(`test-host-mode:${name}`, next),
    reload: async () => {
      const done = loaded(frame);
      frame.contentWindow!.location.reload();
      await done;
    },
  };
}

export type ModelWindow = Window &
  typeof globalThis & { SimulatedCifHost: typeof SimulatedCifHost; pageErrors: string[] };

/**
 * The model test's provider page (test/pages/model-page.html; `query` as it takes it), with no CIF host yet: a test
 * starts one in it with `new (page.win().SimulatedCifHost)({ window: page.win() })`, after each load.
 */
export async function modelPage(query: string) {
  const frame = document.createElement('iframe');
  frames.push(frame);
  const win = () => frame.contentWindow as ModelWindow;
  // A new document whose logger is defined (not the frame's load event: Firefox and WebKit hold it back until the
  // chunks the page imported meanwhile have arrived, and a test may want to act while one loads). Its window is
  // looked at only once the document is the page's: Chromium reuses the first about:blank's window for it, and one
  // whose customElements was read before then never upgrades the page's elements.
  const load = (previous?: Document | null) =>
    waitUntil(
      () => {
        const doc = frame.contentDocument;
        if (!doc || doc === previous || !doc.URL.includes('/model-page.html')) return false;
        return win().customElements.get('cif-kpi-logger') && win().SimulatedCifHost;
      },
      'the page',
      { timeout: 4000, interval: 5 },
    );
  const loaded = load(null);
  frame.src = `/test/pages/model-page.html?${query}`;
  document.body.append(frame);
  await loaded;
  return {
    win,
    doc: () => frame.contentDocument!,
    logger: () => frame.contentDocument!.querySelector('cif-kpi-logger') as CifKpiLoggerElement,
    fire: (id: string, type: string, detail: unknown) =>
      frame
        .contentDocument!.getElementById(id)!
        .dispatchEvent(new (win().CustomEvent)(type, { bubbles: true, composed: true, detail })),
    reload: async () => {
      const reloaded = load(frame.contentDocument);
      win().location.reload();
      await reloaded;
    },
  };
}

/**
 * Reloads a page, and gives `logger`'s stats as they were when the page went (at `pagehide`): what it had stored,
 * held or dropped by then. `logger` may be one removed from the page already.
 */
export async function reloadSeeingStats(
  page: { win: () => Window; reload: () => Promise<void> },
  logger: CifKpiLoggerElement,
): Promise<CifKpiStats | undefined> {
  let atPageHide: CifKpiStats | undefined;
  page.win().addEventListener('pagehide', () => (atPageHide = { ...logger.stats }));
  await page.reload();
  return atPageHide;
}

/** Reasons of the events each host accepted. */
export function accepted(...hosts: SimulatedCifHost[]): string[] {
  return hosts.flatMap((host) =>
    host.calls
      .filter((call) => call.outcome === 'resolved')
      .flatMap((call) =>
        (call.data as { events: Array<{ kpiEventReason: string }> }).events.map((e) => e.kpiEventReason),
      ),
  );
}

/** The Web Lock a logger holds while it keeps a queue in storage: this prefix, then its owner id. */
const LOCK_PREFIX = 'cif-kpi-logger:owner:';

/** The owners (page ids) whose queues are in this tab's storage now. */
function storedOwners(): Set<string> {
  const owners = new Set<string>();
  for (const key of Object.keys(sessionStorage)) {
    const owner = /^cif-kpi-logger:v\d+:([^:]+)/.exec(key)?.[1];
    if (owner) owners.add(owner);
  }
  return owners;
}

/**
 * Resolves once nothing more can reach a host, so that a test may count what did: the loggers of `pages` hold
 * nothing (no event waiting, queued, in flight or awaiting a retry) and have opened their stored queues (each holds
 * its Web Lock), and storage keeps no queue but those of the loggers alive in the frames (a page that went has its
 * queue taken over, keys removed, before any of it goes again). An event sent twice is sent from one of those, so
 * once this holds the count is final: a wait on that condition rather than a fixed pause.
 */
export async function quiet(...pages: Array<{ logger: () => CifKpiLoggerElement; win: () => Window }>): Promise<void> {
  await waitUntil(
    async () => {
      if (pages.some((page) => page.logger().stats.held !== 0)) return false;
      const live = new Set<string>();
      for (const frame of frames) {
        if (!frame.contentWindow) continue;
        for (const lock of (await documentLocks(frame.contentWindow)).held) live.add(lock.slice(LOCK_PREFIX.length));
      }
      for (const page of pages) {
        const own = (await documentLocks(page.win())).held;
        if (own.length === 0) return false;
      }
      return [...storedOwners()].every((owner) => live.has(owner));
    },
    'nothing more to deliver',
    { timeout: 5000, interval: 10 },
  );
}
