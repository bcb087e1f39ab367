import { z } from 'zod';
import {
  anonymousIdSchema,
  assignmentsQuerySchema,
  assignmentsSchema,
  eventBatchResultSchema,
  eventBatchSchema,
  experimentInputSchema,
  experimentKeySchema,
  experimentSchema,
  funnelReportSchema,
  funnelSchema,
  funnelInputSchema,
  funnelReportQuerySchema,
} from '@carmall/shared-types/schemas';
import type { RateLimiter } from '../../infra/rate-limit';
import { route } from '../../infra/route';
import type { ExperimentService } from './experiments';
import type { AnalyticsService } from './service';

const ops: ['operator', 'admin'] = ['operator', 'admin'];
const keyParams = z.object({ key: experimentKeySchema });

export function analyticsRoutes(analytics: AnalyticsService, experiments: ExperimentService, limiter: RateLimiter, limits: { batchesPerDevicePerMin: number }) {
  return [
    route({
      method: 'post',
      path: '/events',
      tag: 'analytics',
      summary:
        'Tracking events (1-100 per batch, one device): each event is checked (schema, time within 30 days, no phone or ID number or e-mail address in any key or value, however spelt; device and session ids of 32 hex digits); any bad event refuses the whole batch (400 EVENT_BATCH_INVALID, details.problems[].index), nothing written. Deduplicated by event id; the signed-in user is attached as an opaque id',
      body: eventBatchSchema,
      response: eventBatchResultSchema,
      errors: [
        { status: 400, code: 'EVENT_BATCH_INVALID', when: 'an event is malformed, too old, carries personal data, or the batch mixes devices' },
        { status: 429, code: 'RATE_LIMITED', when: 'too many batches from one device' },
      ],
      handler: async (ctx, { body, user }) => {
        // Counted per device only for a well-formed device id: a key name never carries free text
        // (a refused batch still counts against the IP's write limit).
        const device = anonymousIdSchema.safeParse((body.events[0] as { anonymousId?: unknown })?.anonymousId);
        if (device.success) await limiter.enforce(ctx, [{ key: `events:device:${device.data}`, limit: limits.batchesPerDevicePerMin, windowSeconds: 60 }]);
        return analytics.ingest(body.events, user?.id ?? null, body.sentAt);
      },
    }),
    route({
      method: 'get',
      path: '/experiments/assignments',
      tag: 'analytics',
      summary: 'My variant of each running (or shipped) experiment: bucketed by user id when signed in, else by the anonymous id; the first exposure is counted once',
      query: assignmentsQuerySchema,
      response: assignmentsSchema,
      handler: async (_ctx, { query, user }) => ({ assignments: await experiments.assignments(user?.id ?? null, query.anonymousId, query.keys?.split(',').filter(Boolean)) }),
    }),
    route({
      method: 'get',
      path: '/admin/analytics/funnels',
      tag: 'analytics',
      summary: 'Operator: funnel definitions',
      auth: ops,
      response: z.object({ items: z.array(funnelSchema) }),
      handler: async () => ({ items: (await analytics.funnels()).map((f) => ({ key: f._id, name: f.name, steps: f.steps, createdAt: f.createdAt })) }),
    }),
    route({
      method: 'post',
      path: '/admin/analytics/funnels',
      tag: 'analytics',
      summary: 'Operator: define a funnel (ordered event names); counted from now on. Same key and steps again: no-op; other steps: 409 CONFLICT',
      auth: ops,
      body: funnelInputSchema,
      status: 201,
      response: funnelSchema,
      handler: async (_ctx, { body }) => {
        const { funnel } = await analytics.createFunnel(body);
        return { key: funnel._id, name: funnel.name, steps: funnel.steps, createdAt: funnel.createdAt };
      },
    }),
    route({
      method: 'get',
      path: '/admin/analytics/funnels/:key/report',
      tag: 'analytics',
      summary: 'Operator: units reaching each step (cohorts that entered from..to, Asia/Shanghai days), step conversion and drop-off, optionally for one platform/model/city; read from pre-aggregates',
      auth: ops,
      params: keyParams,
      query: funnelReportQuerySchema,
      response: funnelReportSchema,
      handler: async (_ctx, { params, query }) => analytics.report(params.key, query),
    }),
    route({
      method: 'get',
      path: '/admin/experiments',
      tag: 'analytics',
      summary: 'Operator: experiments with their results (exposures, conversions, z-test and CI against the control, SRM check)',
      auth: ops,
      response: z.object({ items: z.array(experimentSchema) }),
      handler: async () => experiments.list(),
    }),
    route({
      method: 'post',
      path: '/admin/experiments',
      tag: 'analytics',
      summary: 'Operator: define an experiment (draft). Same key and definition again: no-op; different: 409 CONFLICT',
      auth: ops,
      body: experimentInputSchema,
      status: 201,
      response: experimentSchema.omit({ results: true }),
      handler: async (_ctx, { body, user }) => (await experiments.create(body, user!.id)).experiment,
    }),
    route({
      method: 'get',
      path: '/admin/experiments/:key',
      tag: 'analytics',
      summary: 'Operator: one experiment and its results',
      auth: ops,
      params: keyParams,
      response: experimentSchema,
      handler: async (_ctx, { params }) => experiments.get(params.key),
    }),
    ...(['start', 'stop'] as const).map((action) =>
      route({
        method: 'post',
        path: `/admin/experiments/:key/${action}`,
        tag: 'analytics',
        summary: action === 'start' ? 'Operator: start a draft experiment (repeat: no-op)' : 'Operator: stop a running experiment; everyone sees the control (repeat: no-op)',
        auth: ops,
        params: keyParams,
        errors: [{ status: 409, code: 'EXPERIMENT_STATE_INVALID', when: 'not allowed from the current status' }],
        response: experimentSchema,
      handler: async (_ctx, { params }) => experiments.transition(params.key, action),
      }),
    ),
    route({
      method: 'post',
      path: '/admin/experiments/:key/ship',
      tag: 'analytics',
      summary: 'Operator: ship a variant to everyone (ends the experiment)',
      auth: ops,
      params: keyParams,
      body: z.object({ variant: z.string().min(1).max(31) }).strict(),
      errors: [{ status: 409, code: 'EXPERIMENT_STATE_INVALID', when: 'a draft cannot be shipped' }],
      response: experimentSchema,
      handler: async (_ctx, { params, body }) => experiments.transition(params.key, 'ship', body.variant),
    }),
  ];
}
