import { expect, waitUntil } from '@open-wc/testing';
import fc from 'fast-check';
import { documentLocks, propertyRuns } from './support/harness.js';
import {
  LIBRARY_TIMEOUT_MESSAGE,
  type HostReply,
  type RecordedCall,
  type SimulatedCifHost,
  type SimulatedCifHostOptions,
} from '../src/testing/simulated-cif-host.js';
import type { CifKpiLoggerElement } from '../src/cif-kpi-logger.js';

/**
 * The logger's promises checked by a model: random command sequences run against a provider page in a frame
 * (test/pages/model-page.html, the built bundle) while a small model says what must happen. The host's record is
 * kept here, in the parent page, across real reloads of the frame. See docs/development.md for what it covers.
 *
 * Checked after every sequence:
 * - a call never carries an event the host had already acknowledged (an answer the page received); every event
 *   captured and not refused reaches the host, acknowledged, at least once (but one a removed logger gave up, which
 *   it keeps in memory only, when the page goes before it is retried) — more than once only when each earlier
 *   call of it was still unanswered when it was sent again (in flight at a reload, or past `call-timeout`);
 * - each event carries the ids the model computes for it: the ids in force when it was captured; one captured
 *   without ids, the ids next set; under `auto-context`, the session focused when it was heard (or the session
 *   focused within 1 s after, if none was), with that session's conversation;
 * - no event the logger did not capture (outside its scope, while it was removed, refused) ever reaches the host;
 * - every call is valid CIF (the strict host's contract check);
 * - `captured = sent + failed + dropped + invalid + held` on every page, before each reload and at the end;
 * - nothing reached a page as an error or unhandled rejection, and no `internal-error` was reported (but that a
 *   part of the bundle could not be loaded, on a page served without it: one sequence in five, where only the
 *   events that need that code may be lost);
 * - once the logger is removed and holds nothing, no Web Lock, `pagehide` or `visibilitychange` listener of it is
 *   left.
 */

type Style = 'event' | 'custom' | 'markup' | 'rule' | 'shadow';
type Reply = 'accept' | 'slow' | 'late' | 'reject' | 'library-timeout' | 'stall' | 'throw';
type Session = 's-1' | 's-2' | 's-3';

type Command =
  | { k: 'capture'; style: Style }
  | { k: 'outside' }
  | { k: 'invalid' }
  | { k: 'ids'; conversation: 'c-1' | 'c-2' | null }
  | { k: 'focus'; session: Session | null }
  | { k: 'close'; session: Session }
  | { k: 'reply'; reply: Reply }
  | { k: 'reload' }
  | { k: 'storage'; full: boolean }
  | { k: 'connect' }
  | { k: 'wait'; ms: number };

const SESSIONS: Record<Session, { conversationId: string; delay: number }> = {
  's-1': { conversationId: 'sc-1', delay: 1 },
  's-2': { conversationId: 'sc-2', delay: 80 },
  's-3': { conversationId: 'sc-3', delay: 5 },
};

/** The page's settings the model relies on (model-page.html): its call deadline and the library's. */
const CALL_TIMEOUT = 120;
const LIBRARY_TIMEOUT = 300;

function answer(reply: Reply): HostReply {
  switch (reply) {
    case 'accept':
      return { kind: 'resolve', delay: 1 };
    case 'slow':
      return { kind: 'resolve', delay: 60 };
    case 'late':
      return { kind: 'resolve', delay: 200 }; // after the page's call-timeout (120 ms), before the library's
    case 'reject':
      return { kind: 'reject', shape: 'map', message: 'busy', delay: 1 };
    case 'library-timeout':
      return { kind: 'reject', shape: 'map', message: LIBRARY_TIMEOUT_MESSAGE, delay: 1 };
    case 'throw':
      return { kind: 'throw', message: 'postMessage failed' };
    default:
      return { kind: 'stall' };
  }
}

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      k: fc.constant('capture' as const),
      style: fc.constantFrom<Style>('event', 'custom', 'markup', 'rule', 'shadow'),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ k: 'outside' as const }) },
  { weight: 1, arbitrary: fc.constant({ k: 'invalid' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({ k: fc.constant('ids' as const), conversation: fc.constantFrom('c-1', 'c-2', null) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('focus' as const),
      session: fc.constantFrom<Session | null>('s-1', 's-2', 's-3', null),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ k: fc.constant('close' as const), session: fc.constantFrom<Session>('s-1', 's-2', 's-3') }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('reply' as const),
      reply: fc.constantFrom<Reply>('accept', 'slow', 'late', 'reject', 'library-timeout', 'stall', 'throw'),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ k: 'reload' as const }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('storage' as const), full: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ k: 'connect' as const }) },
  {
    weight: 3,
    arbitrary: fc.record({ k: fc.constant('wait' as const), ms: fc.constantFrom(0, 5, 30, 130, 1300) }),
  },
);

type Ids = Record<string, string>;

/** What the model knows of one event. */
interface ModelEvent {
  marker: string;
  /** The ids it must carry, once known; `undefined` while it waits for them. */
  ids?: Ids;
  /** Either of these (an event heard with no session focused, whose focus notice came near the 1 s edge). */
  either?: Ids[];
  /** Captured with no session focused, at this time (auto-context), not decided yet. */
  unfocusedAt?: number;
  /** Whether it must reach the host (false: the page went while storage refused it, so it may be lost). */
  mustArrive: boolean;
  /**
   * It waited for ids at a reload: the next page takes it over a moment after it starts (once the old page has let
   * go of its Web Lock), and it then takes the ids in force at that moment: any set since the reload, or later ones.
   */
  restoring?: boolean;
  /** Not a usual event, captured on this page: lost if the page goes before the normaliser code arrives. */
  needsCode?: boolean;
}

interface Reception {
  call: RecordedCall;
  markers: string[];
  acknowledged: boolean;
  /** The page (load of the frame) that sent it. */
  page: number;
}

type ModelWindow = Window &
  typeof globalThis & {
    SimulatedCifHost: new (options: SimulatedCifHostOptions) => SimulatedCifHost;
    pageErrors: string[];
    reported: Array<{ type: string; detail: { code?: string; message?: string } }>;
    storageFull: boolean;
    listeners: { pagehide: number; visibilitychange: number };
    timers: Set<number>;
  };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const frames: HTMLIFrameElement[] = [];

function clearStorage(): void {
  for (const key of Object.keys(sessionStorage)) if (key.startsWith('cif-kpi-logger:')) sessionStorage.removeItem(key);
}

/** One sequence: the page, its hosts, and the model. */
class Run {
  readonly frame = document.createElement('iframe');
  readonly events = new Map<string, ModelEvent>();
  readonly receptions: Reception[] = [];
  readonly problems: string[] = [];
  conversation: string | null = null;
  focused: Session | null = 's-1';
  reply: Reply = 'accept';
  storageFull = false;
  connected = true;
  /** Loads of the frame so far. */
  page = 0;
  #host: SimulatedCifHost | undefined;
  #next = 0;
  #removed: HTMLElement | undefined;

  /**
   * `codeMissing`: the page is served without the general normaliser's chunk (and so without the rule compiler and
   * the markup reader, which import it), as a CDN that fails to serve it would: events that need that code are lost,
   * said as such, and no other event is.
   */
  constructor(
    readonly auto: boolean,
    readonly name: string,
    readonly codeMissing = false,
  ) {}

  get win(): ModelWindow {
    return this.frame.contentWindow as ModelWindow;
  }

  get doc(): Document {
    return this.frame.contentDocument!;
  }

  get logger(): CifKpiLoggerElement {
    return (this.#removed ?? this.doc.querySelector('cif-kpi-logger')) as CifKpiLoggerElement;
  }

  async open(): Promise<void> {
    // A path of its own, so that no earlier answer for it is at hand (web-test-runner.config.mjs serves it).
    // Refused 100 ms after it is asked for, as a failing network takes a while.
    const via = this.codeMissing ? `&via=/fail100-kpi-event-${Date.now()}${Math.floor(Math.random() * 1e6)}` : '';
    this.frame.src = `/test/pages/model-page.html?name=${this.name}${this.auto ? '&auto' : ''}${via}`;
    frames.push(this.frame);
    const loaded = this.#loaded();
    document.body.append(this.frame);
    await loaded;
  }

  async #loaded(): Promise<void> {
    await new Promise((resolve) => this.frame.addEventListener('load', resolve, { once: true }));
    await waitUntil(() => this.win.customElements?.get('cif-kpi-logger') !== undefined, 'the page', {
      timeout: 5000,
      interval: 5,
    });
    this.#removed = undefined;
    this.connected = true;
    this.page += 1;
    const win = this.win;
    win.storageFull = this.storageFull;
    if (this.conversation !== null) this.logger.setAttribute('conversation-id', this.conversation);
    const host = new win.SimulatedCifHost({
      window: win,
      initDelay: null,
      latency: 1,
      libraryTimeout: LIBRARY_TIMEOUT,
      sessions: this.auto ? SESSIONS : {},
      focusedSession: this.auto ? this.focused : null,
    });
    host.setReply(() => answer(this.reply));
    host.addEventListener('call', (event) => {
      const call = (event as CustomEvent<RecordedCall>).detail;
      const markers = ((call.data as { events?: Array<{ kpiEventReason?: string }> }).events ?? []).map(
        (e) => e.kpiEventReason ?? '',
      );
      for (const marker of markers) {
        for (const earlier of this.receptions) {
          if (!earlier.markers.includes(marker)) continue;
          if (earlier.acknowledged) this.problems.push(`${marker} sent again after the host acknowledged it`);
          // Sent again while a call of it may still be answered: only when that call's page went (in flight at a
          // reload) or its deadline passed (call-timeout, 120 ms).
          else if (
            earlier.call.outcome === undefined &&
            earlier.page === this.page &&
            call.at - earlier.call.at < CALL_TIMEOUT - 5
          ) {
            this.problems.push(`${marker} sent again while its call was in flight`);
          }
        }
      }
      this.receptions.push({ call, markers, acknowledged: false, page: this.page });
    });
    host.addEventListener('settle', (event) => {
      const call = (event as CustomEvent<RecordedCall>).detail;
      const reception = this.receptions.find((r) => r.call === call);
      if (reception && call.outcome === 'resolved') reception.acknowledged = true;
    });
    this.#host = host;
    host.install();
    host.appear();
    if (this.auto) {
      // Events heard before the logger's first getFocusedSession answer take the session it names (the logger
      // cannot know the focus before it asks): the model changes the focus only once that answer is in.
      await waitUntil(() => host.sessionAnswers.includes('getFocusedSession'), 'the first getFocusedSession answer', {
        timeout: 5000,
        interval: 2,
      });
      await sleep(0);
    }
  }

  /** Ids in force now for an event heard now. */
  #idsNow(): Ids | undefined {
    if (this.auto) {
      if (this.focused === null) return undefined;
      const ids: Ids = {
        conversationId: SESSIONS[this.focused].conversationId,
        providerSessionId: 'p',
        clientSessionId: this.focused,
      };
      return ids;
    }
    return this.conversation === null ? undefined : { conversationId: this.conversation, providerSessionId: 'p' };
  }

  #marker(): string {
    return `${this.name}-m${this.#next++}`;
  }

  #dispatch(target: Element, type: string, detail: unknown): void {
    target.dispatchEvent(new this.win.CustomEvent(type, { bubbles: true, composed: true, detail }));
  }

  capture(style: Style): void {
    const marker = this.#marker();
    const detail: Record<string, unknown> = { kpiEventName: 'CallHold', kpiEventReason: marker };
    // Not a usual event: the first ones of a page wait for the general normaliser, and are dropped if the page goes
    // before that code arrives (events after them wait too, but only they need the code).
    if (style === 'custom') detail.customData = { model_marker: marker };
    if (this.connected) {
      const ids = this.#idsNow();
      // Without the code, what needs it is lost: the custom column's event, and the rule's (rules are not read).
      const lost = this.codeMissing && (style === 'custom' || style === 'rule');
      const event: ModelEvent = { marker, ids, mustArrive: !lost, needsCode: style === 'custom' };
      if (this.auto && this.focused === null) event.unfocusedAt = performance.now();
      this.events.set(marker, event);
    }
    if (style === 'event' || style === 'custom') this.#dispatch(this.doc.getElementById('widget')!, 'cif-kpi', detail);
    else if (style === 'shadow')
      (this.doc.getElementById('shadow') as HTMLElement & { report(d: unknown): void }).report(detail);
    else if (style === 'rule') this.#dispatch(this.doc.getElementById('widget')!, 'model-thing', { m: marker });
    else {
      const button = this.doc.getElementById('markup') as HTMLButtonElement;
      button.setAttribute('data-kpi-reason', marker);
      button.click();
    }
  }

  /** Events the logger must never send: outside its scope, or refused. */
  stray(kind: 'outside' | 'invalid'): void {
    const marker = this.#marker();
    if (kind === 'outside') {
      this.#dispatch(this.doc.getElementById('outside')!, 'cif-kpi', {
        kpiEventName: 'CallHold',
        kpiEventReason: marker,
      });
    } else {
      this.#dispatch(this.doc.getElementById('widget')!, 'cif-kpi', { kpiEventReason: marker });
    }
  }

  setIds(conversation: string | null): void {
    if (this.auto) return;
    this.conversation = conversation;
    if (conversation === null) this.logger.removeAttribute('conversation-id');
    else {
      this.logger.setAttribute('conversation-id', conversation);
      // Events captured without ids take the ids next set.
      const ids = { conversationId: conversation, providerSessionId: 'p' };
      for (const event of this.events.values()) {
        if (event.ids) continue;
        if (event.restoring) (event.either ??= []).push(ids);
        else event.ids = ids;
      }
    }
  }

  /**
   * Events heard with no session focused are given the session whose focus notice comes within 1 s (`focus`, now),
   * and never a session's ids once 1 s has passed. Notices near the edge (0.8–1.2 s) may go either way, and one the
   * logger did not hear (it was removed) may still be read from its first getFocusedSession when it is back.
   */
  #decide(focus: Session | null, now: number): void {
    for (const event of this.events.values()) {
      if (event.unfocusedAt === undefined) continue;
      const age = now - event.unfocusedAt;
      if (age > 1200) {
        event.unfocusedAt = undefined; // never a session's ids: the ids set on the logger at the end
        continue;
      }
      if (focus === null) continue;
      const ids = (session: Session): Ids => ({
        conversationId: SESSIONS[session].conversationId,
        providerSessionId: 'p',
        clientSessionId: session,
      });
      if (!this.connected) event.either = (['s-1', 's-2', 's-3'] as const).map(ids);
      else if (age < 800) event.ids = ids(focus);
      else event.either = [ids(focus)];
      event.unfocusedAt = undefined;
    }
  }

  async focus(session: Session | null): Promise<void> {
    if (!this.auto || session === this.focused) return;
    this.#decide(null, performance.now());
    this.focused = session;
    // A session closed earlier is opened again (a new one, with the same id and conversation).
    if (session !== null && !this.#host!.sessions.has(session)) this.#host!.sessions.set(session, SESSIONS[session]);
    await this.#host!.focusSession(session);
    this.#decide(session, performance.now());
  }

  /**
   * The session closes (and loses the focus if it had it). Its events whose conversation the logger had not read
   * yet take none: they go with the ids set on the logger (at the end); those read go with the session's.
   */
  async close(session: Session): Promise<void> {
    if (!this.auto || !this.#host!.sessions.has(session)) return;
    this.#decide(null, performance.now());
    for (const event of this.events.values()) {
      if (event.ids?.clientSessionId === session && !this.acknowledged(event.marker)) {
        event.either = [event.ids];
        event.ids = undefined;
      }
    }
    await this.#host!.closeSession(session);
    if (this.focused === session) this.focused = null;
  }

  setReply(reply: Reply): void {
    this.reply = reply;
  }

  setStorage(full: boolean): void {
    this.storageFull = full;
    this.win.storageFull = full;
  }

  async toggleConnect(): Promise<void> {
    if (this.connected) {
      this.#removed = this.logger;
      this.#removed.remove();
      this.connected = false;
    } else {
      this.doc.getElementById('scope')!.append(this.#removed!);
      this.#removed = undefined;
      this.connected = true;
    }
    await sleep(0);
  }

  async reload(): Promise<void> {
    this.checkPage();
    // Undecided bindings are stored as none: such an event is never given a session's ids.
    for (const event of this.events.values()) event.unfocusedAt = undefined;
    if (!this.auto) for (const event of this.events.values()) if (!event.ids) event.restoring = true;
    if (this.storageFull) {
      // What storage refused is in memory only, and goes with the page (reported as storage-unavailable).
      for (const event of this.events.values()) if (!this.acknowledged(event.marker)) event.mustArrive = false;
    }
    for (const event of this.events.values()) {
      if (event.needsCode && !this.acknowledged(event.marker)) event.mustArrive = false;
      event.needsCode = false;
    }
    // A removed logger keeps what it gave up (`failed`, reported so) in memory only: the page going loses it.
    if (!this.connected) {
      for (const { event } of this.logger.failed) {
        const model = this.events.get(event.kpiEventReason ?? '');
        if (model && !this.acknowledged(model.marker)) model.mustArrive = false;
      }
    }
    const loaded = this.#loaded();
    this.win.location.reload();
    await loaded;
  }

  acknowledged(marker: string): boolean {
    return this.receptions.some((r) => r.acknowledged && r.markers.includes(marker));
  }

  /** What this page shows must hold at any time: its counts add up, nothing reached it as an error. */
  checkPage(): void {
    const stats = this.logger.stats;
    const sum = stats.sent + stats.failed + stats.dropped + stats.invalid + stats.held;
    if (stats.captured !== sum) this.problems.push(`stats do not add up: ${JSON.stringify(stats)}`);
    for (const error of this.win.pageErrors.splice(0)) this.problems.push(`page error: ${error}`);
    for (const { detail } of this.win.reported.splice(0)) {
      if (detail.code !== 'internal-error') continue;
      // Said when a part of the bundle cannot be loaded: expected only when the page is served without it.
      if (this.codeMissing && / code could not be loaded/.test(detail.message ?? '')) continue;
      this.problems.push(`internal-error: ${detail.message}`);
    }
  }

  async run(commands: readonly Command[]): Promise<void> {
    for (const c of commands) {
      if (c.k === 'capture') this.capture(c.style);
      else if (c.k === 'outside' || c.k === 'invalid') this.stray(c.k);
      else if (c.k === 'ids') {
        // Ids are set between tasks (the logger reads them at its next update).
        this.setIds(c.conversation);
        await sleep(0);
      } else if (c.k === 'focus') await this.focus(c.session);
      else if (c.k === 'close') await this.close(c.session);
      else if (c.k === 'reply') this.setReply(c.reply);
      else if (c.k === 'storage') this.setStorage(c.full);
      else if (c.k === 'connect') await this.toggleConnect();
      else if (c.k === 'reload') await this.reload();
      else await sleep(c.ms);
    }
    // The end: a host that accepts, storage that works, the logger in place, ids for every event that waits.
    this.setReply('accept');
    this.setStorage(false);
    if (!this.connected) await this.toggleConnect();
    if (this.auto) {
      const undecided = [...this.events.values()].filter((e) => e.unfocusedAt !== undefined);
      if (undecided.length > 0) await sleep(1300);
      this.#decide(null, performance.now());
      this.logger.setAttribute('conversation-id', 'c-end');
      for (const event of this.events.values()) {
        if (!event.ids && !event.either) event.ids = { conversationId: 'c-end', providerSessionId: 'p' };
      }
    } else if (this.conversation === null) this.setIds('c-end');
    await waitUntil(
      () => {
        // Events that failed (max-retries) before or during the end are sent again.
        if (this.logger.failed.length > 0) void this.logger.retryFailed();
        return [...this.events.values()].every((e) => !e.mustArrive || this.acknowledged(e.marker));
      },
      'every event acknowledged',
      { timeout: 8000, interval: 10 },
    ).catch(() => {
      const missing = [...this.events.values()].filter((e) => e.mustArrive && !this.acknowledged(e.marker));
      this.problems.push(`never acknowledged: ${missing.map((e) => e.marker).join(', ')}`);
    });
    // Late answers and copies in flight: once every call the host heard is answered (or given up by the library,
    // LIBRARY_TIMEOUT after it was made) and the logger holds nothing, no call can come or be answered any more.
    const host = this.#host!;
    await waitUntil(
      () => host.calls.every((call) => call.outcome !== undefined) && this.logger.stats.held === 0,
      'every call answered',
      { timeout: LIBRARY_TIMEOUT * 10, interval: 5 },
    ).catch(() => {}); // what is left is for the checks below to find
    this.checkPage();
    this.#checkReceptions();
    await this.#checkReleased();
  }

  #checkReceptions(): void {
    for (const { call, markers } of this.receptions) {
      if (call.violations.length > 0) this.problems.push(`invalid call: ${call.violations.join('; ')}`);
      const data = call.data as Ids;
      const ids: Ids = {};
      for (const field of ['conversationId', 'providerSessionId', 'clientSessionId']) {
        if (data[field] !== undefined) ids[field] = data[field];
      }
      for (const marker of markers) {
        const event = this.events.get(marker);
        if (!event) {
          this.problems.push(`${marker} reached the host, but the logger was not to capture it`);
          continue;
        }
        const allowed = event.ids
          ? [event.ids]
          : (event.either ?? []).concat([{ conversationId: 'c-end', providerSessionId: 'p' }]);
        if (!allowed.some((a) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(ids)))) {
          this.problems.push(`${marker} went with ${JSON.stringify(ids)}, not ${JSON.stringify(allowed)}`);
        }
      }
    }
  }

  /** Removed, and holding nothing, the logger leaves no Web Lock and no page listener behind. */
  async #checkReleased(): Promise<void> {
    const logger = this.logger;
    logger.remove();
    this.#removed = logger;
    this.connected = false;
    await waitUntil(() => logger.stats.held === 0, 'the removed logger holds nothing', { timeout: 3000 }).catch(() =>
      this.problems.push(`the removed logger still holds ${logger.stats.held}`),
    );
    // Events that wait for code (not counted held until it has run) are held too: what it took goes once they are
    // queued or given up (a missing chunk is refused 100 ms after it is asked for); else at once.
    const released = async () =>
      (await documentLocks(this.win)).held.length === 0 &&
      this.win.timers.size === 0 &&
      this.win.listeners.pagehide === 0 &&
      this.win.listeners.visibilitychange === 0;
    const timeout = this.codeMissing ? 1000 : 50;
    await waitUntil(released, 'let go', { timeout, interval: 5 }).catch(() => {}); // said below
    const { held } = await documentLocks(this.win);
    if (held.length > 0) this.problems.push(`Web Locks left: ${held.length}`);
    // The page counts the logger's timers only (not the simulated host's).
    if (this.win.timers.size > 0) this.problems.push(`timers left: ${this.win.timers.size}`);
    const { pagehide, visibilitychange } = this.win.listeners;
    if (pagehide !== 0 || visibilitychange !== 0) {
      this.problems.push(`listeners left: pagehide ${pagehide}, visibilitychange ${visibilitychange}`);
    }
    for (const error of this.win.pageErrors.splice(0)) this.problems.push(`page error: ${error}`);
  }
}

function sorted(ids: Ids): Ids {
  return Object.fromEntries(Object.entries(ids).sort(([a], [b]) => a.localeCompare(b)));
}

beforeEach(clearStorage);
afterEach(() => {
  for (const frame of frames.splice(0)) frame.remove();
  clearStorage();
});

describe('the logger against its model', function () {
  it('keeps every promise under random sequences of captures, ids, sessions, host answers, reloads and removals', async function () {
    const runs = await propertyRuns(12, 2412);
    this.timeout(30_000 + runs.numRuns * 15_000);
    let sequence = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        // One sequence in five on a page served without the general normaliser's chunk.
        fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
        fc.array(command, { minLength: 1, maxLength: 14 }),
        async (auto, codeMissing, commands) => {
          clearStorage();
          const run = new Run(auto, `q${sequence++}`, codeMissing);
          try {
            await run.open();
            await run.run(commands);
            expect(run.problems.join('\n'), 'broken promises').to.equal('');
          } finally {
            frames.splice(frames.indexOf(run.frame), 1);
            run.frame.remove();
          }
        },
      ),
      { ...runs, includeErrorInReport: true },
    );
  });
});
