import { notFound } from '../../infra/errors';
import type { AuthedUser, Role } from './session';

/**
 * The resource-owner check every per-user resource goes through: a resource that does not exist
 * and a resource of someone else look the same (404), so ids cannot be probed. Staff with one of
 * `staffRoles` may read others' resources (their route is also role-checked and audited).
 */
export function ownedOr404<T>(resource: T | null | undefined, ownerId: (r: T) => string, user: AuthedUser, what: string, staffRoles: Role[] = []): T {
  if (!resource) throw notFound(what);
  if (ownerId(resource) === user.id) return resource;
  if (staffRoles.some((r) => user.roles.includes(r))) return resource;
  throw notFound(what);
}
