/**
 * Preloaded into a child process (`node --import tsx --import ./test/support/event-loop-report.ts …`): at exit it
 * writes the child's event-loop utilisation to the file named by `LINKDNS_TEST_EVENT_LOOP_FILE`. Its `idle` is the
 * time the loop sat waiting with nothing to run — timers of backoffs, rate limits and polls — and, unlike wall time,
 * it hardly grows on a loaded machine, where the process waits for a CPU while it has work, not in the loop.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const file = process.env.LINKDNS_TEST_EVENT_LOOP_FILE;
if (file) {
  process.on('exit', () => {
    const { idle, active } = performance.eventLoopUtilization();
    writeFileSync(file, JSON.stringify({ idleMs: idle, activeMs: active }));
  });
}
