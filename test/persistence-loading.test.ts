import { expect, waitUntil } from '@open-wc/testing';
import { accepted, modelPage, quiet, reloadSeeingStats, type ModelWindow } from './support/reload-pages.js';

/**
 * Real reloads of a provider page (test/support/reload-pages.ts) while code the logger loads on demand is late or
 * missing: the rule compiler, the CIF-aware chunk of auto-context. The dev server delays or refuses a chunk on a
 * path of its own (`via=/slow…`, `via=/fail…`: web-test-runner.config.mjs).
 */

describe('persistence across real reloads', function () {
  this.timeout(15_000);

  it('keeps what was heard while the rule code loads when the page goes, and counts the rule events it could not map', async () => {
    // The rule compiler arrives 400 ms late on this page: events heard meanwhile wait for it, in order.
    const page = await modelPage(`name=rules-loading&via=/slow400-kpi-rule-${Date.now()}`);
    const logger = page.logger();
    logger.setAttribute('conversation-id', 'c');
    await logger.updateComplete;
    page.fire('widget', 'cif-kpi', { kpiEventName: 'CallHold', kpiEventReason: 'heard-first' });
    page.doc().getElementById('markup')!.setAttribute('data-kpi-reason', 'clicked');
    page.doc().getElementById('markup')!.click();
    page.fire('widget', 'model-thing', { m: 'by-rule' });
    expect(logger.stats.captured, 'all three wait for the rule code').to.equal(0);
    const atPageHide = await reloadSeeingStats(page, logger);
    expect(
      atPageHide,
      'the rule event, which needs the rule code, counted as dropped as the page went',
    ).to.deep.include({ captured: 3, dropped: 1, held: 2 });
    const host = new (page.win().SimulatedCifHost)({ window: page.win(), latency: 1 }).install();
    await waitUntil(() => accepted(host).length >= 2, 'delivery', { timeout: 4000, interval: 10 });
    await quiet(page);
    expect(accepted(host)).to.deep.equal(['heard-first', 'clicked']);
    expect(page.win().pageErrors).to.deep.equal([]);
  });

  it('keeps what waited for code in a logger removed before the page went, and lets go once it is delivered', async () => {
    // The rule compiler arrives 400 ms late: the logger is removed, and the page reloaded, before it does.
    const page = await modelPage(`name=removed-loading&via=/slow400-kpi-rule-${Date.now()}`);
    const logger = page.logger();
    logger.setAttribute('conversation-id', 'c');
    await logger.updateComplete;
    page.fire('widget', 'cif-kpi', { kpiEventName: 'CallHold', kpiEventReason: 'heard-then-removed' });
    page.fire('widget', 'model-thing', { m: 'by-rule' });
    expect(logger.stats.captured, 'both wait for the rule code').to.equal(0);
    logger.remove();
    const atPageHide = await reloadSeeingStats(page, logger);
    expect(atPageHide, 'what waited stored as the page went; the rule event dropped').to.deep.include({
      captured: 2,
      dropped: 1,
      held: 1,
    });
    const host = new (page.win().SimulatedCifHost)({ window: page.win(), latency: 1 }).install();
    await waitUntil(() => accepted(host).length >= 1, 'delivery', { timeout: 4000, interval: 10 });
    await quiet(page);
    expect(accepted(host)).to.deep.equal(['heard-then-removed']);

    expect(page.win().pageErrors).to.deep.equal([]);

    // Removed while the code loads, on a page that stays: what waited is delivered when the code arrives, and the
    // logger then lets go of the page (no pagehide listener of it is left: the page counts them).
    const staying = await modelPage(`name=removed-staying&via=/slow400-kpi-rule-${Date.now()}`);
    const win = staying.win() as ModelWindow & { listeners: { pagehide: number } };
    const other = new win.SimulatedCifHost({ window: win, latency: 1 }).install();
    staying.logger().setAttribute('conversation-id', 'c');
    await staying.logger().updateComplete;
    staying.fire('widget', 'cif-kpi', { kpiEventName: 'CallHold', kpiEventReason: 'heard-then-removed-staying' });
    expect(staying.logger().stats.captured, 'it waits for the rule code').to.equal(0);
    staying.logger().remove();
    await waitUntil(() => accepted(other).length >= 1, 'delivery', { timeout: 4000, interval: 10 });
    expect(accepted(other)).to.deep.equal(['heard-then-removed-staying']);
    await waitUntil(() => win.listeners.pagehide === 0, 'no pagehide listener left', { timeout: 4000, interval: 10 });
    expect(win.pageErrors).to.deep.equal([]);
  });

  it('when the rule code cannot be loaded, delivers what waited for it and counts the rule events dropped', async () => {
    const page = await modelPage(`name=rules-missing&via=/fail-kpi-rule-${Date.now()}`);
    const host = new (page.win().SimulatedCifHost)({ window: page.win(), latency: 1 }).install();
    const reported: string[] = [];
    for (const type of ['cif-kpi-error', 'cif-kpi-dropped']) {
      page.doc().addEventListener(type, (event) => {
        const { code, reason, count } = (event as CustomEvent).detail as Record<string, unknown>;
        reported.push(`${type} ${String(code ?? `${String(reason)} ${String(count)}`)}`);
      });
    }
    const logger = page.logger();
    logger.setAttribute('conversation-id', 'c');
    page.fire('widget', 'cif-kpi', { kpiEventName: 'CallHold', kpiEventReason: 'heard-first' });
    page.fire('widget', 'model-thing', { m: 'by-rule' });
    await waitUntil(() => accepted(host).length >= 1 && reported.length >= 2, 'delivery', {
      timeout: 4000,
      interval: 10,
    });
    await quiet(page);
    expect(accepted(host)).to.deep.equal(['heard-first']);
    expect(reported.sort()).to.deep.equal(['cif-kpi-dropped rules-unavailable 1', 'cif-kpi-error internal-error']);
    expect(logger.stats).to.deep.include({ captured: 2, sent: 1, dropped: 1 });
  });

  it('gives events heard without ids while the rule code loads the ids next set, not those in force when it arrives', async () => {
    // The rule compiler arrives 400 ms late: long after the ids below are set, as the check on `captured` says.
    const page = await modelPage(`name=rules-ids&via=/slow400-kpi-rule-${Date.now()}`);
    const host = new (page.win().SimulatedCifHost)({ window: page.win(), latency: 1 }).install();
    const logger = page.logger();
    page.fire('widget', 'model-thing', { m: 'by-rule' });
    page.fire('widget', 'cif-kpi', { kpiEventName: 'CallHold', kpiEventReason: 'by-event' });
    logger.setAttribute('conversation-id', 'c-next');
    await logger.updateComplete; // the logger has read c-next
    logger.setAttribute('conversation-id', 'c-after');
    await logger.updateComplete;
    expect(logger.stats.captured, 'both wait for the rule code').to.equal(0);
    await waitUntil(() => accepted(host).length >= 2, 'delivery', { timeout: 5000, interval: 10 });
    expect(
      host.calls.map((call) => [(call.data as { conversationId: string }).conversationId, ...accepted(host)]),
    ).to.deep.equal([['c-next', 'by-rule', 'by-event']]);
  });

  it('auto-context: says so when its code cannot be loaded, and nothing reaches the page', async () => {
    const page = await modelPage(`name=no-cif-aware&auto&via=/fail-cif-aware-${Date.now()}`);
    const errors: Array<{ code: string; message: string }> = [];
    page.doc().addEventListener('cif-kpi-error', (event) => errors.push((event as CustomEvent).detail));
    page.logger().removeAttribute('auto-context');
    page.logger().setAttribute('auto-context', '');
    await waitUntil(() => errors.length > 0, 'the error', { timeout: 3000, interval: 10 });
    // Nothing more may come (a second error, an unhandled rejection of the failed load): the page's own listeners
    // hear them, and nothing says when all have come, so a pause.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(errors.map((e) => e.code)).to.deep.equal(['internal-error']);
    expect(page.win().pageErrors).to.deep.equal([]);
  });

  it("auto-context: an event restored before its session's conversation was read takes that conversation, not ids set later", async () => {
    const sessions = { 's-slow': { conversationId: 'conv-slow', delay: 300 } };
    const page = await modelPage('name=restored-session&auto');
    /** A host with the slow session focused, and when the logger has had its first getFocusedSession answer. */
    const start = () => {
      const win = page.win();
      const host = new win.SimulatedCifHost({ window: win, latency: 1, sessions, focusedSession: 's-slow' }).install();
      const answered = waitUntil(() => host.sessionAnswers.includes('getFocusedSession'), 'the focus', {
        timeout: 4000,
        interval: 5,
      });
      return { host, answered };
    };
    await start().answered; // the logger knows the focus; reading the session's conversation takes 300 ms
    await new Promise((resolve) => setTimeout(resolve, 0));
    page.fire('widget', 'cif-kpi', { kpiEventName: 'CallHold', kpiEventReason: 'before-the-read' });
    await page.reload();
    // Set on the logger after the event was heard: the session's conversation, still to be read, is the event's.
    page.logger().setAttribute('conversation-id', 'conv-set-later');
    // Taken over before the CIF library is there: its session cannot be read yet, which does not make it gone.
    await waitUntil(() => page.logger().pendingCount === 1, 'taken over', { timeout: 4000, interval: 10 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { host } = start();
    await waitUntil(() => host.calls.length > 0, 'delivery', { timeout: 4000, interval: 10 });
    await quiet(page);
    expect(
      host.calls.map((call) => {
        const { conversationId, clientSessionId } = call.data as Record<string, string>;
        return [conversationId, clientSessionId];
      }),
    ).to.deep.equal([['conv-slow', 's-slow']]);
  });
});
