/** Rows of many requests (steps, read in one query) grouped by their request id. */
export function byRequest<T extends { requestId: number }>(rows: readonly T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const row of rows) {
    const group = groups.get(row.requestId);
    if (group) group.push(row);
    else groups.set(row.requestId, [row]);
  }
  return groups;
}
