import { writeSync } from 'node:fs';

// Prints one plain closing line, `N passed, N failed, N skipped`, after web-test-runner's own summary.
// CI reads that line. A test file that fails to load counts as one failure.

function count(suite, totals) {
  for (const test of suite.tests ?? []) {
    if (test.skipped) totals.skipped += 1;
    else if (test.passed) totals.passed += 1;
    else totals.failed += 1;
  }
  for (const child of suite.suites ?? []) count(child, totals);
}

export function closingLineReporter() {
  return {
    onTestRunFinished({ sessions }) {
      const totals = { passed: 0, failed: 0, skipped: 0 };
      for (const session of sessions) {
        if (session.testResults) count(session.testResults, totals);
        const broken = (session.errors?.length ?? 0) > 0 || (!session.passed && !session.testResults);
        if (broken) totals.failed += 1;
      }
      const line = `${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`;
      // Printed as the process exits, so it comes after web-test-runner's own summary.
      process.once('exit', () => writeSync(1, `\n${line}\n`));
    },
  };
}
