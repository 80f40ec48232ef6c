/** A LIKE pattern matching `text` literally: `\`, `%` and `_` escaped (used with `ESCAPE '\'`). */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** The largest page a search returns. */
export const MAX_SEARCH_LIMIT = 1000;

/** The page size asked for, clamped to 1..{@link MAX_SEARCH_LIMIT}. @default 50 */
export function searchLimit(limit: number | undefined): number {
  return Math.min(MAX_SEARCH_LIMIT, Math.max(1, Math.trunc(limit ?? 50)));
}
