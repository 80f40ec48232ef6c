import type { List, ListStore } from '@mailroom/lists';
import { ApiProblem } from '../http/problem.js';
import type { Principal } from './principal.js';

/**
 * What a request does to a list: `view` it (every role of the list), `manage` it (members,
 * settings, imports, posts, bounces: operator and owner), `moderate` its held posts (every role).
 */
export type ListAccess = 'view' | 'manage' | 'moderate';

/** True when the principal's role covers the list at all. */
export function inScope(principal: Principal, list: string): boolean {
  return principal.role === 'operator' || principal.lists.includes(list.toLowerCase());
}

/**
 * The list, when the principal may do `access` to it.
 * @throws {ApiProblem} 404 for a list that does not exist or is outside the principal's scope (the same answer: nothing revealed), 403 for a role that may see it but not do this.
 */
export async function listFor(store: ListStore, principal: Principal, address: string, access: ListAccess): Promise<List> {
  const list = inScope(principal, address) ? await store.getList(address) : undefined;
  if (!list) throw new ApiProblem(404, `No list ${JSON.stringify(address)}`);
  if (access === 'manage' && principal.role === 'moderator') throw new ApiProblem(403, 'A moderator may only decide about held posts');
  return list;
}

/** @throws {ApiProblem} 403 unless the principal is an operator. */
export function requireOperator(principal: Principal): void {
  if (principal.role !== 'operator') throw new ApiProblem(403, 'Only an operator may do this');
}

/** @throws {ApiProblem} 403 for a moderator (who sees only held posts). */
export function requireManager(principal: Principal): void {
  if (principal.role === 'moderator') throw new ApiProblem(403, 'A moderator may only decide about held posts');
}
