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
      items: items.map(({ _id, ...rest }) => ({ id: String(_id), ...rest })),
      page: f.page,
      pageSize: f.pageSize,
      total,
    };
  }
}
