import { Schema, type Connection } from 'mongoose';

/**
 * Raw tracking events, write-only for the app: reports never scan them (FerretDB decodes every
 * document a query touches), they read the Redis pre-aggregates. The SDK's event UUID is the _id,
 * so a retried batch cannot store an event twice even if the Redis dedup key was lost.
 */
const eventSchema = new Schema(
  {
    _id: { type: String },
    name: { type: String, required: true },
    ts: { type: Date, required: true },
    receivedAt: { type: Date, required: true },
    day: { type: String, required: true }, // Asia/Shanghai YYYY-MM-DD of ts
    anonymousId: { type: String, required: true },
    sessionId: { type: String, required: true },
    /** The signed-in user's opaque id (never a phone or name). */
    userId: { type: String },
    platform: { type: String, required: true },
    page: { type: String },
    properties: { type: Schema.Types.Mixed },
  },
  { collection: 'analytics_events', versionKey: false },
);
eventSchema.index({ day: 1, name: 1 });

/** A funnel's steps can never change (its counters are per step index); a new key is a new funnel. */
const funnelSchema = new Schema(
  {
    _id: { type: String },
    name: { type: String, required: true },
    steps: { type: [String], required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'analytics_funnels', versionKey: false },
);

const experimentSchema = new Schema(
  {
    _id: { type: String }, // the experiment key (also its bucketing salt)
    name: { type: String, required: true },
    description: { type: String },
    variants: { type: [{ _id: false, key: String, weight: Number, label: String }], required: true },
    targetEvent: { type: String, required: true },
    status: { type: String, required: true, enum: ['draft', 'running', 'stopped', 'shipped'] },
    shippedVariant: { type: String },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    startedAt: { type: Date },
    stoppedAt: { type: Date },
  },
  { collection: 'experiments', versionKey: false },
);

/** One per experiment and unit (natural _id): the durable record of the first exposure. */
const exposureSchema = new Schema(
  {
    _id: { type: String }, // `${experimentKey}:${unit}`
    experimentKey: { type: String, required: true },
    unit: { type: String, required: true },
    variant: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'experiment_exposures', versionKey: false },
);

// Model names are per connection and shared by every module: prefixed so they never clash (tracking has a TrackingEvent).
export const analyticsEventModel = (conn: Connection) => conn.models.AnalyticsEvent ?? conn.model('AnalyticsEvent', eventSchema);
export const funnelModel = (conn: Connection) => conn.models.AnalyticsFunnel ?? conn.model('AnalyticsFunnel', funnelSchema);
export const experimentModel = (conn: Connection) => conn.models.AnalyticsExperiment ?? conn.model('AnalyticsExperiment', experimentSchema);
export const exposureModel = (conn: Connection) => conn.models.AnalyticsExposure ?? conn.model('AnalyticsExposure', exposureSchema);

export interface FunnelDoc {
  _id: string;
  name: string;
  steps: string[];
  createdAt: Date;
}
export interface ExperimentDoc {
  _id: string;
  name: string;
  description?: string;
  variants: { key: string; weight: number; label?: string }[];
  targetEvent: string;
  status: 'draft' | 'running' | 'stopped' | 'shipped';
  shippedVariant?: string;
  createdBy: string;
  createdAt: Date;
  startedAt?: Date;
  stoppedAt?: Date;
}
