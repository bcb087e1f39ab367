import { seededRandom } from '@carmall/shared-types';

/**
 * The cars' side of usage reporting (the T-Box uploads the brand's telematics platform forwards):
 * a seeded generator of a fleet's history, one report per car every `everyDays`, in the shape the
 * BFF ingests at POST /api/v1/admin/vehicles/usage-reports. Each car gets a driver with habits
 * that stay with it: a daily pace (log-normal, 10-150 km/day, less at weekends), a harsh-braking
 * rate, and for EVs/PHEVs a share of DC fast charges; battery health falls with age, distance and
 * fast charging, with measurement noise. The same seed always gives the same history.
 *
 * Report ids are `usage-{vin}-{n}`, so sending a history twice (or overlapping windows) is
 * deduplicated by the BFF.
 */
export type FleetEnergyType = 'bev' | 'phev' | 'ice';

export interface FleetCar {
  vin: string;
  energyType: FleetEnergyType;
  deliveredAt: Date;
  odometerAtDeliveryKm?: number;
}

export interface DriverProfile {
  kmPerDay: number;
  /** Harsh-braking events per 100 km (about 1 is average, above 2 is aggressive). */
  harshBrakesPer100Km: number;
  /** Share of charging sessions that are DC fast charges (EV/PHEV). */
  fastChargeShare: number;
}

export interface GeneratedReport {
  reportId: string;
  vin: string;
  at: string;
  odometerKm: number;
  harshBrakes: number;
  charges?: number;
  fastCharges?: number;
  batterySohPct?: number;
}

const DAY = 86_400_000;

/** A driver for one car, drawn from the seed and the VIN (so adding cars does not change the others). */
export function driverFor(car: FleetCar, seed: number, overrides: Partial<DriverProfile> = {}): DriverProfile {
  const rnd = seededRandom(seed ^ hash(car.vin));
  // Box-Muller: a normal draw for the log-normal pace (median ~40 km/day).
  const z = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const kmPerDay = clamp(Math.exp(Math.log(40) + 0.55 * z), 10, 150);
  const harsh = clamp(0.3 + rnd() * rnd() * 3.5, 0.2, 4);
  const fast = car.energyType === 'ice' ? 0 : clamp(rnd() * 0.9, 0, 0.9);
  return { kmPerDay: round1(kmPerDay), harshBrakesPer100Km: round1(harsh * 10) / 10, fastChargeShare: Math.round(fast * 100) / 100, ...overrides };
}

/** The car's reports from delivery up to `until`, one every `everyDays` days. */
export function generateUsageHistory(car: FleetCar, opts: { seed: number; until: Date; everyDays?: number; driver?: Partial<DriverProfile> }): GeneratedReport[] {
  const every = opts.everyDays ?? 7;
  const driver = driverFor(car, opts.seed, opts.driver);
  const rnd = seededRandom((opts.seed * 31) ^ hash(car.vin) ^ 0x5bd1e995);
  const reports: GeneratedReport[] = [];
  let odometer = car.odometerAtDeliveryKm ?? 0;
  let soh = 100;
  const capacityKm = car.energyType === 'bev' ? 450 : 80; // electric range per full charge
  for (let n = 1, t = car.deliveredAt.getTime() + every * DAY; t <= opts.until.getTime(); n++, t += every * DAY) {
    // Each day of the period: weekday or weekend pace, with day-to-day noise.
    let km = 0;
    for (let d = 0; d < every; d++) {
      const weekday = new Date(t - (every - d) * DAY).getUTCDay();
      const factor = weekday === 0 || weekday === 6 ? 0.7 : 1.1;
      km += driver.kmPerDay * factor * (0.6 + 0.8 * rnd());
    }
    odometer += km;
    const harshBrakes = poisson((km / 100) * driver.harshBrakesPer100Km, rnd);
    const r: GeneratedReport = { reportId: `usage-${car.vin}-${n}`, vin: car.vin, at: new Date(t).toISOString(), odometerKm: Math.round(odometer), harshBrakes };
    if (car.energyType !== 'ice') {
      const charges = Math.max(1, Math.round((km / capacityKm) * 1.6 * (0.8 + 0.4 * rnd())));
      let fastCharges = 0;
      for (let i = 0; i < charges; i++) if (rnd() < driver.fastChargeShare) fastCharges++;
      // Calendar ageing ~1.5 %/year, cycling by distance, and extra wear from DC fast charging.
      soh -= (every / 365) * 1.5 + (km / 10_000) * 0.25 + fastCharges * 0.004;
      Object.assign(r, { charges, fastCharges, batterySohPct: round1(clamp(soh + (rnd() - 0.5) * 0.4, 50, 100)) });
    }
    reports.push(r);
  }
  return reports;
}

/** A whole fleet's reports, oldest first across cars (as a telematics platform would forward them). */
export function generateFleetHistory(cars: readonly FleetCar[], opts: { seed: number; until: Date; everyDays?: number }): GeneratedReport[] {
  return cars.flatMap((c) => generateUsageHistory(c, opts)).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.vin < b.vin ? -1 : 1));
}

function poisson(mean: number, rnd: () => number): number {
  if (mean <= 0) return 0;
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd())));
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = rnd(); p > limit; p *= rnd()) k++;
  return k;
}
function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const round1 = (x: number) => Math.round(x * 10) / 10;
