/** Small statistics and formatting helpers shared by the benches. */

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: a reported p95 is a value that was actually observed.
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export const median = (values: readonly number[]) => quantile(values, 0.5);

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** A bench's machine-readable outcome: the runner turns it into a section of RESULTS.md. */
export interface BenchReport {
  bench: string;
  command: string;
  /** Markdown lines: tables and notes, figures first. */
  markdown: string[];
  goals: { goal: string; met: boolean; figure: string }[];
}

/** The last stdout line of every bench: `RESULT {json}`, parsed by bench/index.ts. */
export function emitReport(report: BenchReport): void {
  process.stdout.write(`RESULT ${JSON.stringify(report)}\n`);
}
