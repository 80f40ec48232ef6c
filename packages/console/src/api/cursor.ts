import { ApiProblem } from '../http/problem.js';

/** The opaque cursor of a page (a `next`): the store's keyset key, base64url. */
export const encodeCursor = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');

/**
 * The store's key of a cursor given back as `after`.
 * @throws {ApiProblem} 400 naming `after` for anything this API did not hand out.
 */
export function decodeCursor(cursor: string): string {
  if (!/^[A-Za-z0-9_-]{1,1400}$/.test(cursor))
    throw new ApiProblem(400, 'after is not a cursor of this API', { errors: [{ field: 'after', message: 'a next value' }] });
  return Buffer.from(cursor, 'base64url').toString('utf8');
}
