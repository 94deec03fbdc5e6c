/** JSON.parse with the line of a syntax error (V8 names the position, newer ones the line too). */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; line?: number; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const line = /\(line (\d+) column \d+\)/.exec(message)?.[1];
    const position = /at position (\d+)/.exec(message)?.[1];
    if (line) return { ok: false, line: Number(line), message };
    if (position) return { ok: false, line: text.slice(0, Number(position)).split('\n').length, message };
    return { ok: false, message };
  }
}
