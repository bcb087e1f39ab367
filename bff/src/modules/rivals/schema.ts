import { z } from 'zod';
import { BODY_TYPES, ENERGY_TYPES } from '@carmall/shared-types';

/** Response shapes of the competitor set (OpenAPI); the type is shared-types/src/rivals.ts RivalCar. */
const n = z.number().nullable();
export const rivalCarSchema = z.object({
  code: z.string(),
  brand: z.string(),
  name: z.string(),
  trimName: z.string(),
  bodyType: z.enum(BODY_TYPES),
  energyType: z.enum(ENERGY_TYPES),
  priceFen: z.number().int(),
  seats: z.number().int(),
  rangeKm: n,
  specs: z.object({
    rangeKm: n,
    fuelLPer100km: n,
    powerKw: n,
    torqueNm: n,
    accel0to100s: n,
    seats: n,
    lengthMm: n,
    widthMm: n,
    heightMm: n,
    wheelbaseMm: n,
    batteryKwh: n,
    drive: z.enum(['FWD', 'RWD', 'AWD']).nullable(),
    warranty: z.string().nullable(),
  }),
  source: z.string(),
  asOf: z.string(),
});

export const specDifferenceSchema = z.object({
  key: z.enum(['price', 'range', 'seats', 'bodyType', 'energyType']),
  delta: z.number().optional(),
  text: z.string(),
});

/** A rival beside one of our cars: how OURS differs from it. */
export const rivalMatchSchema = z.object({ rival: rivalCarSchema, score: z.number(), ours: z.array(specDifferenceSchema) });
