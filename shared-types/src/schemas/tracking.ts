import { z } from 'zod';
import { ORDER_STATES } from '../orders/state';

/**
 * GET /orders/:orderNo/tracking: the truck carrying the buyer's car. The BFF declares and checks
 * this shape; the tracking page imports its types (`import type` bundles no zod).
 */
const isoString = z.string().describe('ISO 8601, UTC');

export const trackingStopSchema = z.object({
  code: z.string(),
  name: z.string(),
  kind: z.enum(['factory', 'hub', 'centre', 'waypoint']),
  lat: z.number(),
  lng: z.number(),
  km: z.number().int(),
});

export const trackingMilestoneSchema = z.object({
  type: z.string(),
  label: z.string(),
  at: isoString,
  /** Asia/Shanghai, for people. */
  atText: z.string(),
  place: z.object({ code: z.string(), name: z.string() }).optional(),
});

export const trackingEtaSchema = z.object({
  /** The estimate and its interval (`confidence` is its coverage, 0.8). */
  at: isoString,
  atText: z.string(),
  lowAt: isoString,
  highAt: isoString,
  windowText: z.string(),
  confidence: z.number(),
  arrived: z.boolean(),
  progressKm: z.number(),
  remainingKm: z.number(),
  totalKm: z.number(),
  asOf: isoString,
  computedAt: isoString,
  /** One sentence in Chinese. */
  summary: z.string(),
  /** Why the estimate is what it is: driving, rests, nights, dwell, and the learned speeds per road segment. */
  explanation: z.object({
    drivingMin: z.number(),
    restStops: z.number().int(),
    restMin: z.number(),
    nightStops: z.number().int(),
    nightMin: z.number(),
    dwellMin: z.number(),
    delayAllowanceMin: z.number(),
    intervalCalibration: z.object({ lo: z.number(), hi: z.number(), samples: z.number().int() }).nullable(),
    tripPace: z.object({ factor: z.number(), drivenH: z.number() }).nullable(),
    segments: z.array(
      z.object({
        id: z.string(),
        from: z.string(),
        to: z.string(),
        roadType: z.enum(['expressway', 'mountain', 'national', 'urban']),
        roadLabel: z.string(),
        km: z.number(),
        minutes: z.number(),
        speedKmh: z.number(),
        source: z.enum(['learned', 'prior']),
        samples: z.number().int(),
      }),
    ),
    stops: z.array(
      z.object({ kind: z.enum(['rest', 'night', 'hub', 'delay']), label: z.string(), place: z.string().optional(), placeName: z.string().optional(), at: isoString, minutes: z.number() }),
    ),
  }),
});

export const shipmentSchema = z.object({
  shipmentNo: z.string().nullable(),
  vin: z.string(),
  status: z.enum(['created', 'in_transit', 'at_hub', 'resting', 'delayed', 'arrived']),
  statusLabel: z.string(),
  destination: z.object({ code: z.string(), name: z.string() }),
  route: z.object({
    code: z.string(),
    name: z.string(),
    totalKm: z.number().int(),
    stops: z.array(trackingStopSchema),
    /** [lat, lng] pairs along the route. */
    polyline: z.array(z.tuple([z.number(), z.number()])),
  }),
  latest: z.object({ lat: z.number(), lng: z.number(), at: isoString, atText: z.string(), speedKmh: z.number().nullable() }).nullable(),
  /** Downsampled. */
  track: z.array(z.object({ lat: z.number(), lng: z.number(), at: isoString })),
  milestones: z.array(trackingMilestoneSchema),
  eta: trackingEtaSchema.nullable(),
  updatedAt: isoString,
});

export const trackingSchema = z.object({
  orderNo: z.string(),
  orderState: z.enum(ORDER_STATES),
  orderStateLabel: z.string(),
  shipment: shipmentSchema.nullable(),
});

export type TrackingStop = z.output<typeof trackingStopSchema>;
export type TrackingMilestone = z.output<typeof trackingMilestoneSchema>;
export type TrackingEta = z.output<typeof trackingEtaSchema>;
export type Shipment = z.output<typeof shipmentSchema>;
export type Tracking = z.output<typeof trackingSchema>;
