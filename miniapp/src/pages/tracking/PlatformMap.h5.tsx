import type { Shipment } from '../../api/tracking'
import type { LatLng } from './geometry'

/**
 * H5 draws the route offline (RouteDrawing in RouteMap.tsx) and never shows the platform map. This
 * file keeps Taro's H5 map component (and the hammer.js it brings, ~25 KB gzip) out of the H5
 * build: Taro's H5 components are one module, so a Map imported anywhere lands on every page.
 */
export function PlatformMap(_props: { shipment: Shipment; points: LatLng[] }) {
  return null
}
