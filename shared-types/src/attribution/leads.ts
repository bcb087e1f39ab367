/**
 * Follow-up of an advisor's lead. `new` → contacted / scheduled / completed / lost; contacted and
 * scheduled may be repeated (another call, a new appointment) or move on; completed and lost are
 * final (a lost customer who comes back is a new lead).
 */
export const LEAD_STATUS_VALUES = ['new', 'contacted', 'scheduled', 'completed', 'lost'] as const;
export type LeadStatusValue = (typeof LEAD_STATUS_VALUES)[number];

const NEXT: Record<LeadStatusValue, readonly LeadStatusValue[]> = {
  new: ['contacted', 'scheduled', 'completed', 'lost'],
  contacted: ['contacted', 'scheduled', 'completed', 'lost'],
  scheduled: ['contacted', 'scheduled', 'completed', 'lost'],
  completed: [],
  lost: [],
};

export function canChangeLeadStatus(from: LeadStatusValue, to: LeadStatusValue): boolean {
  return NEXT[from].includes(to);
}

export const LEAD_STATUS_LABELS: Record<LeadStatusValue, string> = {
  new: '待跟进',
  contacted: '已联系',
  scheduled: '已预约',
  completed: '已完成',
  lost: '已流失',
};
