/*
 * Waits on the browser's own queues, with no timer (so a fake clock does not hold them up). No hooks: the tests of
 * the plain modules import this without the harness.
 */

/**
 * Resolves in a task of its own (a message on a channel): by then every microtask queued before, and every promise
 * chained on one already settled, has run. For checks that nothing more is said once what was going to say it has
 * had its turn.
 */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}
