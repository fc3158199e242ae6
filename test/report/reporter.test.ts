import { expect } from '@open-wc/testing';
import { loadDiagnostics, Reporter } from '../../src/report/reporter.js';
import type { QueuedEvent } from '../../src/queue/queued-event.js';
import type { CifKpiDroppedDetail } from '../../src/vocabulary/logger-events.js';

const queued = (name: string): QueuedEvent => ({
  id: name,
  event: { kpiEventName: name, eventTimestamp: '2026-12-01T10:00:00.000Z' },
  attempts: 0,
  heldSince: 0,
});
const delivery = { sent: 1, retried: 2, failed: 3, held: 4 };

describe('Reporter', () => {
  // The words of cif-kpi-dropped are in the diagnostics chunk; loaded, it fires them in the microtask after the task.
  before(() => loadDiagnostics());

  it('coalesces drops per reason per task, and counts each in stats.dropped', async () => {
    const target = new EventTarget();
    const fired: CifKpiDroppedDetail[] = [];
    target.addEventListener('cif-kpi-dropped', (event) => fired.push((event as CustomEvent).detail));
    const reporter = new Reporter(target);
    reporter.dropped([queued('A'), queued('B')], 'queue-full');
    reporter.dropped([queued('C')], 'queue-full');
    reporter.droppedOnArrival('disabled', 1, { kpiEventName: 'D' });
    reporter.droppedOnArrival('rules-unavailable', 2);
    expect(fired, 'fired after the task').to.deep.equal([]);
    await Promise.resolve();
    expect(fired.map((d) => [d.reason, d.count, d.events.length])).to.deep.equal([
      ['queue-full', 3, 3],
      ['disabled', 1, 0],
      ['rules-unavailable', 2, 0],
    ]);
    expect(fired[0]!.message).to.equal('3 events were dropped: more events were held than max-queue allows');
    expect(reporter.stats(delivery), 'dropped on arrival counts as captured too').to.deep.equal({
      captured: 3,
      invalid: 0,
      sent: 1,
      retried: 2,
      failed: 3,
      dropped: 6,
      held: 4,
    });
  });

  it('fires warnings and errors with the detail as it was given, and counts invalid events', () => {
    const target = new EventTarget();
    const seen: string[] = [];
    for (const type of ['cif-kpi-warning', 'cif-kpi-error'])
      target.addEventListener(type, (event) => {
        const { code, event: detail } = (event as CustomEvent).detail;
        seen.push(`${type} ${code} ${JSON.stringify(detail)}`);
      });
    const reporter = new Reporter(target);
    const detail = { kpiEventName: 'SessionStarted' };
    reporter.captured([{ code: 'reserved-kpi-event-name', message: 'reserved' }], detail);
    reporter.invalid({ code: 'invalid-detail', message: 'no' }, 42);
    reporter.error({ code: 'scope-not-found', message: 'missing' });
    expect(seen).to.deep.equal([
      'cif-kpi-warning reserved-kpi-event-name {"kpiEventName":"SessionStarted"}',
      'cif-kpi-error invalid-detail 42',
      'cif-kpi-error scope-not-found undefined',
    ]);
    expect(reporter.stats(delivery)).to.deep.include({ captured: 1, invalid: 1 });
  });
});
