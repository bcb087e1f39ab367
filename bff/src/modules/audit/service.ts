import type { Connection } from 'mongoose';
import type { Context } from 'koa';
import type { AuthedUser } from '../auth/session';
import { auditModel } from './model';

export interface AuditInput {
  action: string;
  targetType: string;
  targetId: string;
  reason?: string;
  before?: unknown;
  after?: unknown;
}

export interface AuditFilter {
  actorId?: string;
  targetId?: string;
  action?: string;
  page: number;
  pageSize: number;
}

/** Writes and lists the staff audit log. There is deliberately no update or delete. */
export class AuditLog {
  constructor(private readonly conn: Connection) {}

  private get Entries() {
    return auditModel(this.conn);
  }

  async record(actor: AuthedUser, ctx: Context | null, entry: AuditInput): Promise<void> {
    await this.Entries.create({
      at: new Date(),
      actorId: actor.id,
      actorRoles: actor.roles,
      ...entry,
      requestId: ctx?.state.requestId,
      ip: ctx?.ip,
    });
  }

  async list(f: AuditFilter) {
    const filter: Record<string, string> = {};
    if (f.actorId) filter.actorId = f.actorId;
    if (f.targetId) filter.targetId = f.targetId;
    if (f.action) filter.action = f.action;
    const [items, total] = await Promise.all([
      this.Entries.find(filter)
        .sort({ at: -1 })
        .skip((f.page - 1) * f.pageSize)
        .limit(f.pageSize)
        .lean<Array<Record<string, unknown>>>(),
      this.Entries.countDocuments(filter),
    ]);
    return {
      items: items.map((e) => ({
        id: String(e._id),
        at: new Date(e.at as Date).toISOString(),
        actorId: e.actorId as string,
        actorRoles: (e.actorRoles as string[]) ?? [],
        action: e.action as string,
        targetType: e.targetType as string,
        targetId: e.targetId as string,
        reason: (e.reason as string | undefined) ?? null,
        before: e.before ?? null,
        after: e.after ?? null,
        requestId: (e.requestId as string | undefined) ?? null,
        ip: (e.ip as string | undefined) ?? null,
      })),
      page: f.page,
      pageSize: f.pageSize,
      total,
    };
  }
}
