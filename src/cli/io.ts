/**
 * Where a command prints and which environment it reads. Passed in, so tests give their own
 * environment and capture the output. Kept apart from `context` so registering a command loads
 * nothing but this.
 */
export interface CliIo {
  env: Record<string, string | undefined>;
  stdout(text: string): void;
  stderr(text: string): void;
  /** A terminal gets a redrawn progress bar; a pipe or a log gets plain lines. */
  isTTY: boolean;
}

export const processIo = (): CliIo => ({
  env: process.env,
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTTY: Boolean(process.stderr.isTTY),
});
