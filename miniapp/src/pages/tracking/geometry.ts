/**
 * Fitting a route (latitude/longitude) into a drawing box for the offline H5 route drawing: an
 * equirectangular projection with longitude scaled by cos(mean latitude) — over a few hundred
 * kilometres of China that keeps shapes right — centred in the box with padding, north up.
 */
export interface LatLng {
  lat: number
  lng: number
}

export interface Projection {
  toXY(p: LatLng): [number, number]
  width: number
  height: number
}

export function fitProjection(points: LatLng[], box: { width: number; height: number; pad: number }): Projection {
  const lats = points.map((p) => p.lat)
  const lngs = points.map((p) => p.lng)
  const minLat = Math.min(...lats), maxLat = Math.max(...lats)
  const minLng = Math.min(...lngs), maxLng = Math.max(...lngs)
  const k = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180)
  const spanX = Math.max(1e-6, (maxLng - minLng) * k)
  const spanY = Math.max(1e-6, maxLat - minLat)
  const scale = Math.min((box.width - 2 * box.pad) / spanX, (box.height - 2 * box.pad) / spanY)
  const offX = (box.width - spanX * scale) / 2
  const offY = (box.height - spanY * scale) / 2
  return {
    width: box.width,
    height: box.height,
    toXY: (p) => [Math.round((offX + (p.lng - minLng) * k * scale) * 10) / 10, Math.round((offY + (maxLat - p.lat) * scale) * 10) / 10],
  }
}

/** An SVG path through the points ("M x y L x y …"). */
export function svgPath(points: LatLng[], proj: Projection): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${proj.toXY(p).join(' ')}`).join(' ')
}

/** Map centre and a zoom level (5 whole country … 10 a city) that shows the route on a phone. */
export function mapView(points: LatLng[]): { latitude: number; longitude: number; scale: number } {
  const lats = points.map((p) => p.lat)
  const lngs = points.map((p) => p.lng)
  const span = Math.max(Math.max(...lats) - Math.min(...lats), Math.max(...lngs) - Math.min(...lngs))
  const scale = span > 12 ? 4 : span > 6 ? 5 : span > 3 ? 6 : span > 1.5 ? 7 : 8
  return { latitude: (Math.max(...lats) + Math.min(...lats)) / 2, longitude: (Math.max(...lngs) + Math.min(...lngs)) / 2, scale }
}
