import { Map as TaroMap } from '@tarojs/components'
import type { Shipment } from '../../api/tracking'
import { mapView, type LatLng } from './geometry'

/** Copied next to the build by config/index.ts (a marker needs an image file in the package). */
const TRUCK_ICON = '/assets/tracking/truck.png'

/**
 * WeChat/Alipay: the route on the platform map (Taro Map): route polyline, travelled track, stops
 * and the truck as markers. H5 uses PlatformMap.h5.tsx instead (see there).
 */
export function PlatformMap({ shipment, points }: { shipment: Shipment; points: LatLng[] }) {
  const view = mapView(points)
  const truck = shipment.latest
  const markers = [
    ...shipment.route.stops.map((s, i) => ({
      id: i + 1,
      latitude: s.lat,
      longitude: s.lng,
      iconPath: TRUCK_ICON,
      width: 1,
      height: 1,
      alpha: 0,
      callout: { content: s.name, display: 'ALWAYS' as const, fontSize: 11, color: '#1f2329', bgColor: '#ffffff', padding: 4, borderRadius: 4 },
    })),
    ...(truck ? [{ id: 999, latitude: truck.lat, longitude: truck.lng, iconPath: TRUCK_ICON, width: 32, height: 32, title: '运输车' }] : []),
  ]
  return (
    <TaroMap
      className='route-map'
      latitude={view.latitude}
      longitude={view.longitude}
      scale={view.scale}
      includePoints={points.map((p) => ({ latitude: p.lat, longitude: p.lng }))}
      polyline={[
        { points: points.map((p) => ({ latitude: p.lat, longitude: p.lng })), color: '#9aa5b8', width: 4 },
        ...(shipment.track.length > 1 ? [{ points: shipment.track.map((p) => ({ latitude: p.lat, longitude: p.lng })), color: '#1a56db', width: 5 }] : []),
      ]}
      markers={markers as never}
      onError={() => undefined}
    />
  )
}
