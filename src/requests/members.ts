/**
 * GitHub usernames as people type them: separated by commas, semicolons or spaces, in one value
 * or several (a ticket field, `--member a,b c`), with or without a leading @; each once.
 * Apart from `draft` (zod, the schema) so the 2015 actions split members without loading those.
 */
export function splitMembers(value: string | readonly string[] | undefined): string[] {
  const list = (typeof value === 'string' ? [value] : (value ?? [])).flatMap((v) => v.split(/[\s,;]+/));
  return [...new Set(list.map((m) => m.trim().replace(/^@/, '')).filter(Boolean))];
}
