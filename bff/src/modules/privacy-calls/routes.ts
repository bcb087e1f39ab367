import { leadIdParamsSchema, privacyCallSchema } from '@carmall/shared-types/schemas';
import { route } from '../../infra/route';
import type { PrivacyCallService } from './service';

export function privacyCallRoutes(calls: PrivacyCallService) {
  return [
    route({
      method: 'post',
      path: '/advisor/leads/:id/privacy-call',
      tag: 'advisors',
      summary:
        'Advisor: a privacy number (隐私号, AXB) to call the lead’s buyer from my own phone; it relays only between us until it expires (repeat: the same number while it has 10 minutes left); audited',
      auth: ['advisor', 'admin'],
      params: leadIdParamsSchema,
      response: privacyCallSchema,
      errors: [
        { status: 404, code: 'NOT_FOUND', when: "no such lead, or another advisor's" },
        { status: 409, code: 'LEAD_STATE_INVALID', when: 'the lead is completed or lost' },
        { status: 409, code: 'LEAD_NO_PHONE', when: 'the buyer left no phone (reach them by WeChat)' },
        { status: 409, code: 'ADVISOR_NO_PHONE', when: 'I have no verified phone to be connected from' },
        { status: 503, code: 'PRIVACY_NUMBER_NOT_CONFIGURED', when: 'no privacy-number account configured' },
        { status: 503, code: 'PRIVACY_NUMBER_UNAVAILABLE', when: 'the pool has no free number for this pair, or the provider failed' },
      ],
      handler: async (ctx, { user, params }) => calls.callLead(user!, params.id, ctx),
    }),
  ];
}
