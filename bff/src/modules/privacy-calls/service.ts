import type { Connection } from 'mongoose';
import type { Context } from 'koa';
import type { PrivacyCall } from '@carmall/shared-types/schemas';
import { AppError } from '../../infra/errors';
import type { Locks } from '../../infra/lock';
import type { AuditLog } from '../audit/service';
import type { LeadService } from '../advisors/leads';
import type { AuthedUser } from '../auth/session';
import type { UserService } from '../users/service';
import type { DyplsClient } from './dypls-client';
import { privacyBindingModel, type PrivacyBindingDoc } from './model';

/** A binding with less than this left is not handed out again (the call could outlast it). */
const MIN_LEFT_MS = 10 * 60_000;

/**
 * Advisors reach a lead's buyer through a privacy number (Aliyun AXB): A = the advisor's own
 * phone, B = the buyer's, X = the middle number the advisor dials, which relays only between
 * the two until the binding expires. Real numbers are decrypted here only to bind them and
 * never answered; every new binding is audited. Repeated taps reuse the live binding (one X per
 * advisor and lead), under a lock so two taps cannot take two numbers.
 */
export class PrivacyCallService {
  constructor(
    private readonly conn: Connection,
    private readonly client: DyplsClient | null,
    private readonly leads: LeadService,
    private readonly users: UserService,
    private readonly audit: AuditLog,
    private readonly locks: Locks,
    private readonly bindingMinutes: number,
  ) {}

  private get Bindings() {
    return privacyBindingModel(this.conn);
  }

  async callLead(advisor: AuthedUser, leadId: string, ctx: Context | null, now = new Date()): Promise<PrivacyCall> {
    // Who may call is the lead's rule (404 for another advisor's), checked before anything else.
    const target = await this.leads.callTarget(advisor, leadId);
    if (!this.client) throw new AppError(503, 'PRIVACY_NUMBER_NOT_CONFIGURED', '隐私号通话暂未开通');
    if (target.status === 'completed' || target.status === 'lost')
      throw new AppError(409, 'LEAD_STATE_INVALID', `线索已${target.status === 'completed' ? '完成' : '流失'}，不能再拨打`, { status: target.status });
    if (!target.buyerPhone) throw new AppError(409, 'LEAD_NO_PHONE', '客户未留手机号，可通过微信联系');
    const own = await this.users.contactOf(advisor.id);
    if (!own.phone) throw new AppError(409, 'ADVISOR_NO_PHONE', '请先在「我的」绑定您的手机号，隐私号会从该号码接通');
    const client = this.client;

    return this.locks.withLock(`privacy-call:${target.leadId}:${advisor.id}`, async () => {
      const live = await this.Bindings.findOne({ leadId: target.leadId, advisorUserId: advisor.id, unboundAt: { $exists: false }, expiresAt: { $gt: new Date(now.getTime() + MIN_LEFT_MS) } })
        .sort({ expiresAt: -1 })
        .lean<PrivacyBindingDoc>();
      if (live) return { leadId: target.leadId, secretNo: live.secretNo, expiresAt: live.expiresAt.toISOString(), reused: true };
      const expiresAt = new Date(now.getTime() + this.bindingMinutes * 60_000);
      const bound = await client.bindAxb(own.phone!, target.buyerPhone!, expiresAt, target.leadId);
      await this.Bindings.create({ leadId: target.leadId, advisorUserId: advisor.id, secretNo: bound.secretNo, subsId: bound.subsId, expiresAt, createdAt: now });
      // Which lead and which X, never the numbers behind it.
      await this.audit.record(advisor, ctx, { action: 'lead.privacy_call.bind', targetType: 'lead', targetId: target.leadId, after: { secretNo: bound.secretNo, expiresAt: expiresAt.toISOString() } });
      return { leadId: target.leadId, secretNo: bound.secretNo, expiresAt: expiresAt.toISOString(), reused: false };
    });
  }

  /** End the advisor's live bindings of a lead (a closed lead: X stops relaying at once). */
  async endCalls(leadId: string, now = new Date()): Promise<number> {
    const live = await this.Bindings.find({ leadId, unboundAt: { $exists: false }, expiresAt: { $gt: now } }).lean<PrivacyBindingDoc[]>();
    for (const b of live) {
      await this.client?.unbind({ secretNo: b.secretNo, subsId: b.subsId });
      await this.Bindings.updateOne({ _id: b._id }, { $set: { unboundAt: now } });
    }
    return live.length;
  }
}
