/**
 * Staff campaigns (保养关怀推送): who is targeted and how far sending has got. The BFF answers
 * these shapes and the staff console reads them.
 */

/** Owners to reach: all conditions together (an empty segment is every owner). */
export interface CampaignSegment {
  modelCodes?: string[];
  /** Next service due within this many days (Shanghai calendar). */
  dueWithinDays?: number;
  /** Battery state of health below this percentage. */
  batterySohBelow?: number;
}

export interface CampaignMessage {
  /** Also the WeChat template's thing3 keyword (at most 20 characters). */
  title: string;
  body: string;
}

export interface CampaignProgress {
  id: string;
  name: string;
  segment: CampaignSegment;
  message: CampaignMessage;
  status: 'building' | 'sending' | 'done';
  /** Sending is paused for WeChat's daily quota until then (ISO); the rest goes out after it. */
  pausedUntil: string | null;
  createdBy: string;
  createdAt: string;
  /** `targeted`/`queued` are null while the segment is still being built. */
  counts: { targeted: number | null; queued: number | null; sent: number; noOptIn: number; failed: number };
}
