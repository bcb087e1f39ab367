import type { Queue } from 'bullmq';
import { z } from 'zod';
import { AppError, notFound } from '../../infra/errors';
import { idempotencyKeyHeader, route } from '../../infra/route';
import type { ReminderService } from './service';

const templateId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, '模板 ID 不正确');
const subscribeResult = z.enum(['accept', 'reject', 'ban', 'filter']);
const segment = z
  .object({
    modelCodes: z.array(z.string().min(1).max(64)).max(20).optional(),
    dueWithinDays: z.number().int().min(0).max(365).optional(),
    batterySohBelow: z.number().gt(0).max(100).optional(),
  })
  .strict();
const message = z
  .object({
    /** Also the WeChat template's thing3 keyword, which takes at most 20 characters. */
    title: z.string().trim().min(1).max(20, '标题最多 20 个字（微信订阅消息限制）'),
    body: z.string().trim().min(1).max(500),
  })
  .strict();
/** Response shapes (the staff console reads CampaignProgress from shared-types). */
const templatesSchema = z.object({ templates: z.array(z.object({ templateId: z.string(), name: z.string(), topic: z.string(), remaining: z.number().int() })) });
const recordedSchema = z.object({ templates: z.array(z.object({ templateId: z.string(), remaining: z.number().int() })) });
const inboxSchema = z.object({
  items: z.array(
    z.object({ id: z.string(), kind: z.string(), title: z.string(), body: z.string(), vehicleId: z.string().nullable(), orderNo: z.string().nullable(), createdAt: z.string(), read: z.boolean() }),
  ),
  total: z.number().int(),
  unread: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
const previewSchema = z.object({
  vehicles: z.number().int(),
  owners: z.number().int(),
  /** VINs masked (first 3, last 4). */
  sample: z.array(z.object({ vin: z.string(), modelName: z.string(), serviceDueDate: z.string().nullable(), batterySohPct: z.number().nullable() })),
  inApp: z.object({ title: z.string(), body: z.string() }),
  wechat: z.object({ templateId: z.string(), page: z.string(), data: z.object({ thing1: z.string(), date2: z.string(), thing3: z.string() }) }),
});
const progressSchema = z.object({
  id: z.string(),
  name: z.string(),
  segment: segment,
  message: z.object({ title: z.string(), body: z.string() }),
  status: z.enum(['building', 'sending', 'done']),
  pausedUntil: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  counts: z.object({ targeted: z.number().int().nullable(), queued: z.number().int().nullable(), sent: z.number().int(), noOptIn: z.number().int(), failed: z.number().int() }),
});
const deadLettersSchema = z.object({
  total: z.number().int(),
  items: z.array(
    z.object({
      jobId: z.string().nullable(),
      name: z.string(),
      kind: z.string().nullable(),
      userId: z.string().nullable(),
      campaignId: z.string().nullable(),
      vehicleId: z.string().nullable(),
      attempts: z.number().int(),
      reason: z.string().nullable(),
      failedAt: z.string().nullable(),
    }),
  ),
});

const jobIdParams = z.object({ jobId: z.string().regex(/^[A-Za-z0-9_-]{1,120}$/, '任务 ID 不正确') });

export function reminderRoutes(reminders: ReminderService, queue: Queue & { scanNow(): Promise<string> }) {
  const staff: ['service', 'admin'] = ['service', 'admin'];
  return [
    route({
      method: 'get',
      path: '/me/subscriptions',
      tag: 'messages',
      summary: 'Subscribe-message templates and how many one-time opt-ins I have left for each',
      auth: 'user',
      response: templatesSchema,
      handler: async (_ctx, { user }) => reminders.subscriptions(user!.id),
    }),
    route({
      method: 'post',
      path: '/me/subscriptions',
      tag: 'messages',
      summary: 'Record what wx.requestSubscribeMessage returned (each accept = one message allowed); idempotent by requestId',
      auth: 'user',
      body: z
        .object({
          templateIds: z.array(templateId).min(1).max(3),
          results: z.record(templateId, subscribeResult),
          requestId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/).optional(),
        })
        .strict(),
      errors: [{ status: 400, code: 'VALIDATION_FAILED', when: 'an unknown template, or results that do not match templateIds' }],
      response: recordedSchema,
      handler: async (_ctx, { body, user }) => reminders.recordSubscription(user!.id, body),
    }),
    route({
      method: 'get',
      path: '/me/messages',
      tag: 'messages',
      summary: 'My message centre (every platform): reminders and campaign messages, newest first',
      auth: 'user',
      query: z.object({ page: z.coerce.number().int().min(1).max(1000).default(1), pageSize: z.coerce.number().int().min(1).max(50).default(20) }).strict(),
      response: inboxSchema,
      handler: async (_ctx, { query, user }) => reminders.inbox(user!.id, query.page, query.pageSize),
    }),
    route({
      method: 'post',
      path: '/me/messages/:messageId/read',
      tag: 'messages',
      summary: 'Mark one of my messages read',
      auth: 'user',
      status: 204,
      params: z.object({ messageId: z.string().regex(/^[A-Za-z0-9_-]{1,120}$/) }),
      handler: async (_ctx, { params, user }) => {
        await reminders.markRead(user!.id, params.messageId);
      },
    }),
    route({
      method: 'post',
      path: '/admin/campaigns/preview',
      tag: 'campaigns',
      summary: 'Service staff: how many owners a segment reaches, a sample, and the message as sent',
      auth: staff,
      body: z.object({ segment, message }).strict(),
      response: previewSchema,
      handler: async (_ctx, { body }) => reminders.preview(body.segment, body.message),
    }),
    route({
      method: 'post',
      path: '/admin/campaigns',
      tag: 'campaigns',
      summary: 'Service staff: push a campaign to a segment (Idempotency-Key header: pushing twice creates one campaign)',
      auth: staff,
      status: 202,
      body: z.object({ name: z.string().trim().min(1).max(60), segment, message }).strict(),
      headers: idempotencyKeyHeader,
      response: progressSchema,
      handler: async (_ctx, { body, user, headers }) => reminders.createCampaign(user!.id, headers['Idempotency-Key'], body),
    }),
    route({
      method: 'get',
      path: '/admin/campaigns',
      tag: 'campaigns',
      summary: 'Service staff: campaign history with progress counts',
      auth: staff,
      response: z.object({ items: z.array(progressSchema) }),
      handler: async () => reminders.history(),
    }),
    route({
      method: 'get',
      path: '/admin/campaigns/:campaignId',
      tag: 'campaigns',
      summary: 'Service staff: one campaign’s progress (targeted / queued / sent / no opt-in / failed)',
      auth: staff,
      params: z.object({ campaignId: z.string().regex(/^[0-9a-f]{24}$/, 'ID 不正确') }),
      response: progressSchema,
      handler: async (_ctx, { params }) => reminders.progress(params.campaignId),
    }),
    route({
      method: 'post',
      path: '/admin/reminders/scan',
      tag: 'campaigns',
      summary: 'Service staff: run the due-service scan now (it also runs on a schedule)',
      auth: staff,
      status: 202,
      response: z.object({ jobId: z.string() }),
      handler: async () => ({ jobId: await queue.scanNow() }),
    }),
    route({
      method: 'get',
      path: '/admin/reminders/dead-letters',
      tag: 'campaigns',
      summary: 'Service staff: reminder and campaign messages that failed for good (retries exhausted or not retryable)',
      auth: staff,
      query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict(),
      response: deadLettersSchema,
      handler: async (_ctx, { query }) => {
        const jobs = await queue.getFailed(0, query.limit - 1);
        return {
          total: await queue.getFailedCount(),
          items: jobs.map((j) => ({
            jobId: j.id ?? null,
            name: j.name,
            kind: j.data?.kind ?? null,
            userId: j.data?.userId ?? null,
            campaignId: j.data?.campaignId ?? null,
            vehicleId: j.data?.vehicleId ?? null,
            attempts: j.attemptsMade,
            reason: j.failedReason ?? null,
            failedAt: j.finishedOn ? new Date(j.finishedOn).toISOString() : null,
          })),
        };
      },
    }),
    route({
      method: 'post',
      path: '/admin/reminders/dead-letters/:jobId/retry',
      tag: 'campaigns',
      summary: 'Service staff: send a dead-lettered message again (also one whose first outcome was uncertain)',
      auth: staff,
      status: 202,
      params: jobIdParams,
      errors: [{ status: 409, code: 'CONFLICT', when: 'the job is not in the dead-letter list' }],
      response: z.object({ jobId: z.string().nullable(), state: z.string() }),
      handler: async (_ctx, { params }) => {
        const job = await queue.getJob(params.jobId);
        if (!job) throw notFound('任务');
        if (!(await job.isFailed())) throw new AppError(409, 'CONFLICT', '该任务不在失败列表中', { jobId: params.jobId });
        if (job.name === 'send') await job.updateData({ ...job.data, force: true });
        await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        return { jobId: job.id ?? null, state: await job.getState() };
      },
    }),
  ];
}
