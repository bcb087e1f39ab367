/**
 * Geometry on the Earth's surface for delivery tracking: great-circle distances (haversine) and
 * projecting a GPS fix onto a route polyline. Pure; distances in kilometres, angles in degrees.
 */

export interface LatLng {
  lat: number;
  lng: number;
}

const EARTH_RADIUS_KM = 6371.0088;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in km. */
export function haversineKm(a: LatLng, b: LatLng): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The point a fraction t (0..1) of the way from a to b (linear in lat/lng: fine for legs of a few hundred km). */
export function interpolate(a: LatLng, b: LatLng, t: number): LatLng {
  return { lat: a.lat + (b.lat - a.lat) * t, lng: a.lng + (b.lng - a.lng) * t };
}

/**
 * Where on the segment a→b the point p falls: the fraction t (clamped to 0..1) of the closest point
 * and the distance from p to it, in km. Uses a local equirectangular plane centred on the segment,
 * which is accurate to well under 1% for segments of a few hundred kilometres.
 */
export function projectOntoSegment(p: LatLng, a: LatLng, b: LatLng): { t: number; offKm: number } {
  const lat0 = rad((a.lat + b.lat) / 2);
  const k = Math.cos(lat0);
  const ax = rad(a.lng) * k, ay = rad(a.lat);
  const bx = rad(b.lng) * k, by = rad(b.lat);
  const px = rad(p.lng) * k, py = rad(p.lat);
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return { t, offKm: haversineKm(p, interpolate(a, b, t)) };
}

export interface PolylineProjection {
  /** Index of the polyline piece (between points i and i+1) the point is closest to. */
  index: number;
  /** Fraction along that piece. */
  t: number;
  /** Distance from the start of the polyline to the projected point, in km. */
  alongKm: number;
  /** Distance from the point to the polyline (GPS noise, or off the planned road). */
  offKm: number;
}

/**
 * Project p onto a polyline given as points with their cumulative distances (cumKm[i] = distance
 * from points[0] to points[i] along the line). Picks the closest piece; ties go to the earlier one.
 */
export function projectOntoPolyline(p: LatLng, points: LatLng[], cumKm: number[]): PolylineProjection {
  if (points.length === 0) throw new RangeError('empty polyline');
  if (points.length === 1) return { index: 0, t: 0, alongKm: 0, offKm: haversineKm(p, points[0]) };
  let best: PolylineProjection | null = null;
  for (let i = 0; i < points.length - 1; i++) {
    const { t, offKm } = projectOntoSegment(p, points[i], points[i + 1]);
    if (!best || offKm < best.offKm - 1e-9) {
      best = { index: i, t, alongKm: cumKm[i] + t * (cumKm[i + 1] - cumKm[i]), offKm };
    }
  }
  return best!;
}

/** Cumulative distances along a polyline: [0, d01, d01 + d12, …]. */
export function cumulativeKm(points: LatLng[]): number[] {
  const out = [0];
  for (let i = 1; i < points.length; i++) out.push(out[i - 1] + haversineKm(points[i - 1], points[i]));
  return out;
}

/** The point alongKm from the start of a polyline (clamped to its ends). */
export function pointAlong(points: LatLng[], cumKm: number[], alongKm: number): LatLng {
  if (alongKm <= 0) return points[0];
  const last = points.length - 1;
  if (alongKm >= cumKm[last]) return points[last];
  let lo = 0, hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (cumKm[mid] <= alongKm) lo = mid;
    else hi = mid;
  }
  const span = cumKm[hi] - cumKm[lo];
  return interpolate(points[lo], points[hi], span === 0 ? 0 : (alongKm - cumKm[lo]) / span);
}
