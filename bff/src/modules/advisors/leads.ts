import { Types, type Connection } from 'mongoose';
import { canChangeLeadStatus, formatDateCN, maskName, maskPhone, type AttributionResult, type LeadStatusValue } from '@carmall/shared-types';
import { wechatContactConsentText } from '@carmall/shared-types/schemas';
import { AppError, notFound } from '../../infra/errors';
import type { PiiCipher } from '../../infra/crypto';
import type { Locks } from '../../infra/lock';
import type { Logger } from '../../infra/logger';
import type { AuthedUser } from '../auth/session';
import type { UserService } from '../users/service';
import { leadModel } from './model';
import { testDriveModel } from './test-drives';
import type { ShareService } from './service';

export interface LeadHistoryEntry {
  status: LeadStatusValue;
  note: string;
  at: string;
  byUserId: string | null;
}

export interface LeadDoc {
  _id: Types.ObjectId;
  naturalKey: string;
  kind: 'test_drive' | 'finance_quote' | 'wechat_contact';
  status: LeadStatusValue;
  advisorUserId: string | null;
  shareId: string | null;
  visitId?: string | null;
  storeCode: string | null;
  buyerUserId: string;
  modelCode: string;
  modelName: string;
  contact?: { name?: string; phone?: string; wechat?: string };
  consent?: { text: string; at: string } | null;
  testDrive: { id: string; slotStart: string; slotLabel: string; status: 'booked' | 'cancelled' | 'completed' } | null;
  financeQuote: { priceFen: number; monthlyPaymentFen: number; termMonths: number; productId: string } | null;
  history: LeadHistoryEntry[];
  createdAt: Date;
  updatedAt: Date;
}

export interface NewLead {
  naturalKey: string;
  kind: LeadDoc['kind'];
  buyerUserId: string;
  modelCode: string;
  modelName: string;
  storeCode: string | null;
  contact: { name: string | null; phone: string | null; wechat?: string | null };
  consent?: { text: string; at: string };
  testDrive?: LeadDoc['testDrive'];
  financeQuote?: LeadDoc['financeQuote'];
}

const FIRST_NOTE: Record<LeadDoc['kind'], string> = { test_drive: '预约试驾', finance_quote: '金融方案试算', wechat_contact: '客户留下微信号，请添加客户微信' };

/**
 * Leads advisors follow up. A lead goes to the advisor the attribution rule credits, otherwise it is
 * the store's (unassigned; the store's advisors see it and take it by following it up). Contact
 * details are encrypted with the lead's own AAD and only leave the BFF masked.
 */
export class LeadService {
  constructor(
    private readonly conn: Connection,
    private readonly cipher: PiiCipher,
    private readonly locks: Locks,
    private readonly shares: ShareService,
    private readonly users: UserService,
    private readonly logger: Logger,
    /** The store an advisor works at (the slot module's site staff), whose unassigned leads they see. */
    private readonly storeOf: (userId: string) => Promise<string | null> = async () => null,
  ) {}

  /** Called when a lead is completed or lost (set in app.ts: the privacy-calls module ends its numbers). */
  onClosed: ((leadId: string) => Promise<unknown>) | null = null;

  get Leads() {
    return leadModel(this.conn);
  }

  private aad(id: string, field: string) {
    return `lead:${id}:${field}`;
  }

  /** Create a lead once per natural key, credited by the attribution rule (a repeat answers the first). */
  async create(lead: NewLead, credit: AttributionResult): Promise<LeadDoc> {
    const existing = await this.Leads.findOne({ naturalKey: lead.naturalKey }).lean<LeadDoc>();
    if (existing) return this.ensureCredit(existing);
    const id = new Types.ObjectId();
    const contact: Record<string, string> = {};
    if (lead.contact.name) contact.name = this.cipher.encrypt(lead.contact.name, this.aad(String(id), 'name'));
    if (lead.contact.phone) contact.phone = this.cipher.encrypt(lead.contact.phone, this.aad(String(id), 'phone'));
    if (lead.contact.wechat) contact.wechat = this.cipher.encrypt(lead.contact.wechat, this.aad(String(id), 'wechat'));
    const now = new Date();
    try {
      await this.Leads.create({
        _id: id,
        naturalKey: lead.naturalKey,
        kind: lead.kind,
        status: 'new',
        advisorUserId: credit.credited ? credit.advisorUserId : null,
        shareId: credit.credited ? credit.shareId : null,
        visitId: credit.credited ? credit.visitId : null,
        storeCode: lead.storeCode,
        buyerUserId: lead.buyerUserId,
        modelCode: lead.modelCode,
        modelName: lead.modelName,
        contact,
        consent: lead.consent ?? null,
        testDrive: lead.testDrive ?? null,
        financeQuote: lead.financeQuote ?? null,
        history: [{ status: 'new', note: FIRST_NOTE[lead.kind], at: now.toISOString(), byUserId: null }],
      });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      return this.ensureCredit((await this.Leads.findOne({ naturalKey: lead.naturalKey }).lean<LeadDoc>())!);
    }
    return this.ensureCredit((await this.Leads.findById(id).lean<LeadDoc>())!);
  }

  /**
   * Write the lead's credit from the lead itself (write-once by `<kind>:<lead id>`): the lead is
   * inserted first, so a request retried after a crash between the two writes still credits it.
   */
  private async ensureCredit(lead: LeadDoc): Promise<LeadDoc> {
    if (lead.advisorUserId && lead.shareId && lead.visitId)
      await this.shares.recordCredit(lead.kind, String(lead._id), lead.buyerUserId, { credited: true, advisorUserId: lead.advisorUserId, shareId: lead.shareId, visitId: lead.visitId });
    return lead;
  }

  /** Keep a test-drive lead's copy of the booking current (cancelled by the buyer, completed). */
  async syncTestDrive(naturalKey: string, testDrive: NonNullable<LeadDoc['testDrive']>) {
    const lead = await this.Leads.findOne({ naturalKey }, { _id: 1 }).lean<{ _id: Types.ObjectId }>();
    if (!lead) return;
    await this.locks.withLock(`lead:${lead._id}`, () => this.Leads.updateOne({ _id: lead._id }, { $set: { testDrive } }));
  }

  /** A signed-in buyer's finance quote of a model: one lead per buyer, model and Shanghai day. Never fails the quote. */
  async recordFinanceQuote(buyer: AuthedUser, quote: { modelCode: string; modelName: string; priceFen: number; monthlyPaymentFen: number; termMonths: number; productId: string }) {
    try {
      const naturalKey = `finance_quote:${buyer.id}:${quote.modelCode}:${formatDateCN(new Date())}`;
      const existing = await this.Leads.findOne({ naturalKey }).lean<LeadDoc>();
      if (existing) return void (await this.ensureCredit(existing));
      const credit = await this.shares.attributionFor(buyer.id);
      const profile = await this.contactOf(buyer.id);
      await this.create(
        {
          naturalKey,
          kind: 'finance_quote',
          buyerUserId: buyer.id,
          modelCode: quote.modelCode,
          modelName: quote.modelName,
          storeCode: null,
          contact: profile,
          financeQuote: { priceFen: quote.priceFen, monthlyPaymentFen: quote.monthlyPaymentFen, termMonths: quote.termMonths, productId: quote.productId },
        },
        credit,
      );
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'finance quote lead not recorded');
    }
  }

  /**
   * The buyer leaves their WeChat ID on a share card for its advisor to add them (the phone stays
   * masked; this is how the advisor reaches them). One lead per buyer and advisor: a repeat with
   * another ID replaces it (the buyer corrected it) and is noted in the history. The buyer must
   * have opened the card (its visit is the credit), and an advisor cannot ask themselves.
   */
  async requestWechatContact(buyer: AuthedUser, shareId: string, wechatId: string): Promise<{ leadId: string; advisorName: string; created: boolean }> {
    const share = await this.shares.valid(shareId);
    const visit = await this.shares.visitOf(buyer.id, shareId);
    if (!visit || share.advisorUserId === buyer.id) throw new AppError(409, 'SHARE_NOT_VISITED', '请从顾问分享的卡片进入后再留下微信号', { shareId });
    const advisorName = await this.shares.advisorName(share.advisorUserId);
    const naturalKey = `wechat_contact:${buyer.id}:${share.advisorUserId}`;
    const consent = { text: wechatContactConsentText(advisorName), at: new Date().toISOString() };
    return this.locks.withLock(`lead-key:${naturalKey}`, async () => {
      const existing = await this.Leads.findOne({ naturalKey }).lean<LeadDoc>();
      if (existing) {
        const id = String(existing._id);
        const before = existing.contact?.wechat ? this.decrypt(existing.contact.wechat, id, 'wechat') : null;
        if (before !== wechatId) {
          await this.Leads.updateOne(
            { _id: existing._id },
            {
              $set: { 'contact.wechat': this.cipher.encrypt(wechatId, this.aad(id, 'wechat')), consent },
              $push: { history: { status: existing.status, note: '客户更新了微信号', at: consent.at, byUserId: null } },
            },
          );
        }
        return { leadId: id, advisorName, created: false };
      }
      const profile = await this.contactOf(buyer.id);
      const modelName = (await this.shares.card(shareId)).model.name;
      const lead = await this.create(
        { naturalKey, kind: 'wechat_contact', buyerUserId: buyer.id, modelCode: share.modelCode, modelName, storeCode: null, contact: { ...profile, wechat: wechatId }, consent },
        { credited: true, advisorUserId: share.advisorUserId, shareId, visitId: visit.visitId },
      );
      return { leadId: String(lead._id), advisorName, created: true };
    });
  }

  private decrypt(value: string, id: string, field: 'name' | 'phone' | 'wechat'): string | null {
    try {
      return this.cipher.decrypt(value, this.aad(id, field));
    } catch {
      return null; // a key no longer in the keyring: show nothing rather than fail the list
    }
  }

  /** The buyer's name and phone from their account (decrypted here, re-encrypted into the lead). */
  async contactOf(userId: string): Promise<{ name: string | null; phone: string | null }> {
    return this.users.contactOf(userId);
  }

  /** Whether this user is the customer of a lead the advisor sees: theirs, or their store's unassigned. */
  async isCustomerOf(advisorUserId: string, buyerUserId: string): Promise<boolean> {
    const store = await this.storeOf(advisorUserId);
    const filter = { buyerUserId, $or: [{ advisorUserId }, ...(store ? [{ storeCode: store, advisorUserId: null }] : [])] };
    return (await this.Leads.exists(filter)) !== null;
  }

  /** My leads (advisor): credited to me, plus my store's unassigned ones. Admin: all. */
  async list(user: AuthedUser, status?: LeadStatusValue) {
    const filter: Record<string, unknown> = {};
    if (!user.roles.includes('admin')) {
      const store = await this.storeOf(user.id);
      filter.$or = [{ advisorUserId: user.id }, ...(store ? [{ storeCode: store, advisorUserId: null }] : [])];
    }
    if (status) filter.status = status;
    const docs = await this.Leads.find(filter).sort({ createdAt: -1 }).limit(200).lean<LeadDoc[]>();
    const names = await this.namesOf(docs);
    return { items: docs.map((d) => this.present(d, user.id, names)) };
  }


  /**
   * Follow a lead up. Another advisor's lead is 404 (no probing); an unassigned lead of my store
   * becomes mine. The change and its note are appended to the history under the lead's lock.
   */
  async changeStatus(user: AuthedUser, id: string, status: LeadStatusValue, note: string) {
    const admin = user.roles.includes('admin');
    const mine = await this.followsUp(user);
    const updated = await this.locks.withLock(`lead:${id}`, async () => {
      const lead = await this.Leads.findById(id).lean<LeadDoc>();
      if (!lead || !mine(lead)) throw notFound('线索', { id });
      if (!canChangeLeadStatus(lead.status, status))
        throw new AppError(409, 'LEAD_STATE_INVALID', `线索已${lead.status === 'completed' ? '完成' : '流失'}，不能再更改`, { status: lead.status });
      const entry: LeadHistoryEntry = { status, note, at: new Date().toISOString(), byUserId: user.id };
      // A test-drive lead completed means the drive took place: the booking is completed too (no longer cancellable).
      const driveDone = lead.kind === 'test_drive' && status === 'completed' && lead.testDrive?.status === 'booked';
      if (driveDone) await this.locks.withLock(`test-drive:${lead.testDrive!.id}`, () => testDriveModel(this.conn).updateOne({ _id: lead.testDrive!.id, status: 'booked' }, { $set: { status: 'completed' } }));
      await this.Leads.updateOne(
        { _id: lead._id },
        {
          $set: { status, ...(lead.advisorUserId === null && !admin ? { advisorUserId: user.id } : {}), ...(driveDone ? { 'testDrive.status': 'completed' } : {}) },
          $push: { history: entry },
        },
      );
      return (await this.Leads.findById(id).lean<LeadDoc>())!;
    });
    if ((status === 'completed' || status === 'lost') && this.onClosed) {
      await this.onClosed(id).catch((err: Error) => this.logger.warn({ err: err.message, leadId: id }, 'could not end the privacy numbers of a closed lead (they expire on their own)'));
    }
    return this.present(updated, user.id, await this.namesOf([updated]));
  }

  /** Which leads this user may follow up: an admin any, an advisor theirs and their store's unassigned ones. */
  private async followsUp(user: AuthedUser): Promise<(lead: LeadDoc) => boolean> {
    if (user.roles.includes('admin')) return () => true;
    const store = await this.storeOf(user.id);
    return (lead) => lead.advisorUserId === user.id || (lead.advisorUserId === null && store !== null && lead.storeCode === store);
  }

  /**
   * What a privacy-number call to a lead needs (the privacy-calls module asks): the buyer's phone,
   * decrypted here and never answered to anyone. Another advisor's lead is 404, as in changeStatus.
   */
  async callTarget(user: AuthedUser, id: string): Promise<{ leadId: string; status: LeadStatusValue; buyerPhone: string | null }> {
    const lead = Types.ObjectId.isValid(id) ? await this.Leads.findById(id).lean<LeadDoc>() : null;
    if (!lead || !(await this.followsUp(user))(lead)) throw notFound('线索', { id });
    const phone = lead.contact?.phone ? this.decrypt(lead.contact.phone, String(lead._id), 'phone') : null;
    return { leadId: String(lead._id), status: lead.status, buyerPhone: phone };
  }

  /** Display names of the advisors on these leads (ids never leave the BFF in lead answers). */
  private async namesOf(docs: LeadDoc[]): Promise<Map<string, string>> {
    const ids = new Set<string>();
    for (const d of docs) {
      if (d.advisorUserId) ids.add(d.advisorUserId);
      for (const h of d.history) if (h.byUserId) ids.add(h.byUserId);
    }
    const names = new Map<string, string>();
    for (const id of ids) names.set(id, await this.shares.advisorName(id));
    return names;
  }

  present(d: LeadDoc, viewerId: string, names: Map<string, string>) {
    const id = String(d._id);
    const read = (field: 'name' | 'phone' | 'wechat') => {
      const v = d.contact?.[field];
      return v ? this.decrypt(v, id, field) : null;
    };
    const name = read('name');
    const phone = read('phone');
    return {
      id,
      kind: d.kind,
      status: d.status,
      assignedToMe: d.advisorUserId === viewerId,
      advisorName: d.advisorUserId ? (names.get(d.advisorUserId) ?? null) : null,
      shareId: d.shareId,
      storeCode: d.storeCode,
      modelCode: d.modelCode,
      modelName: d.modelName,
      // The WeChat ID was given for this lead's advisor to add the buyer: in full, to them only.
      customer: { name: name ? maskName(name) : null, phone: phone ? maskPhone(phone) : null, wechatId: d.advisorUserId === viewerId ? read('wechat') : null },
      testDrive: d.testDrive,
      financeQuote: d.financeQuote,
      history: d.history.map((h) => ({ status: h.status, note: h.note, at: h.at, byName: h.byUserId ? (names.get(h.byUserId) ?? null) : null })),
      createdAt: new Date(d.createdAt).toISOString(),
      updatedAt: new Date(d.updatedAt).toISOString(),
    };
  }
}
