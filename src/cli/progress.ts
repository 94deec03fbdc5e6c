import { isSettled, type RequestProgress } from '../rollover/batch';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Reports a batch's progress: on a terminal one bar redrawn in place (at most 10 times a
 * second); elsewhere (a pipe, CI, a log file) a plain line each time another request settles.
 */
export function progressReporter(out: (text: string) => void, tty: boolean, started: number, now: () => number = Date.now) {
  let lastSettled = -1;
  let lastDraw = 0;
  return {
    update(progress: RequestProgress[]) {
      const settled = progress.filter(isSettled).length;
      const finished = progress.reduce((n, p) => n + p.stepsFinished, 0);
      const total = progress.reduce((n, p) => n + p.stepsTotal, 0);
      const summary = `${settled}/${progress.length} requests settled, ${finished}/${total} steps, ${seconds(now() - started)}`;
      if (tty) {
        if (now() - lastDraw < 100 && settled !== progress.length) return;
        lastDraw = now();
        const width = 30;
        const filled = total ? Math.round((finished / total) * width) : 0;
        out(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${summary}\x1b[K`);
      } else if (settled !== lastSettled) {
        out(`rollover: ${summary}\n`);
      }
      lastSettled = settled;
    },
    done() {
      if (tty) out('\n');
    },
  };
}
