import type { CatalogModel } from '@carmall/shared-types'

/**
 * The PC showroom's 3D stage beside the configurator. Only the H5 build has one
 * (DesktopStage.h5.tsx, on screens ≥1280 px); the mini-programs open 3D 看车 as its own page.
 */
export function DesktopStage(_props: { model: CatalogModel; trimCode: string; selected: readonly string[]; coverUrl: string; onActive?: (active: boolean) => void }) {
  return null
}
