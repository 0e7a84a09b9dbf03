import { performance } from 'node:perf_hooks';

/**
 * Polls until the condition holds, for things a test cannot await directly (another loop's progress,
 * a child's output). The bound only turns a hang into a named failure; it is not a timing assertion.
 * Measured on the monotonic clock, so a shifted or stepped wall clock cannot cut it short.
 */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<void> {
  const giveUpAt = performance.now() + (options.timeoutMs ?? 10_000);
  while (!(await condition())) {
    if (performance.now() > giveUpAt) throw new Error(`Gave up waiting until ${what}`);
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 2));
  }
}
