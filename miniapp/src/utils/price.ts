import { formatFen, formatFenWan } from '@carmall/shared-types'

/** "15.98万起": the compact starting price on cards. */
export const startingPriceWan = (fen: number) => `${formatFenWan(fen)}起`

/** "¥159,800 起": the exact starting price. */
export const startingPriceYuan = (fen: number) => `${formatFen(fen)} 起`
