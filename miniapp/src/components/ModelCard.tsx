import { Button, Image, Text, View } from '@tarojs/components'
import { BODY_TYPE_LABELS, ENERGY_TYPE_LABELS, type ModelSummary } from '@carmall/shared-types'
import { mediaUrl } from '../api/base'
import { startingPriceWan, startingPriceYuan } from '../utils/price'

interface Props {
  model: ModelSummary
  /** Called when the card itself is tapped (opens the model detail page). */
  onOpen?: (model: ModelSummary) => void
  /** Called by the "3D 看车" action. */
  onView3D?: (model: ModelSummary) => void
}

/**
 * One catalog model. `model-card` + `data-code` are stable hooks for the H5 e2e test, so keep
 * them when restyling.
 */
export function ModelCard({ model, onOpen, onView3D }: Props) {
  return (
    <View className='model-card' data-code={model.code} onClick={onOpen ? () => onOpen(model) : undefined}>
      <Image className='model-card__cover' src={mediaUrl(model.coverImage)} mode='aspectFill' lazyLoad />
      <View className='model-card__body'>
        <Text className='model-card__name'>{model.name}</Text>
        <Text className='model-card__series'>{model.series}</Text>
        <Text className='model-card__tagline'>{model.tagline}</Text>
        <View className='model-card__tags'>
          <Text className='model-card__tag'>{ENERGY_TYPE_LABELS[model.energyType]}</Text>
          <Text className='model-card__tag'>{BODY_TYPE_LABELS[model.bodyType]}</Text>
          <Text className='model-card__tag'>{model.seats} 座</Text>
        </View>
        {model.rangeKm !== null && <Text className='model-card__specs'>CLTC 续航 {model.rangeKm}km</Text>}
        <View className='model-card__footer'>
          <View>
            <Text className='model-card__price'>{startingPriceWan(model.startingPriceFen)}</Text>
            <Text className='model-card__price-full'>指导价 {startingPriceYuan(model.startingPriceFen)}</Text>
          </View>
          {onView3D && (
            <Button
              className='btn-primary model-card__action'
              size='mini'
              onClick={(e) => {
                e.stopPropagation() // the card behind the button opens the detail page
                onView3D(model)
              }}
            >
              3D 看车
            </Button>
          )}
        </View>
      </View>
    </View>
  )
}
