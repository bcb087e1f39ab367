import { Button } from '@tarojs/components'
import { track } from './index'
import { useVariant } from './experiments'
import './OrderNowButton.scss'

/** The experiment on the configurator's order button; operators define it with this key. */
export const ORDER_BUTTON_EXPERIMENT = 'order-button'

/** How each variant looks. An unknown variant (defined on the server only) shows the control. */
export const ORDER_BUTTON_VARIANTS: Record<string, { text: string; className: string }> = {
  control: { text: '立即下定', className: '' },
  lock: { text: '立即锁定爱车', className: '' },
  orange: { text: '立即下定', className: 'order-now--orange' },
}

/**
 * 立即下定 on the configurator, rendered as the buyer's variant of the `order-button` experiment.
 * A tap is the `start_checkout` event (with the variant shown), then the page's own handler.
 */
export function OrderNowButton({ disabled, onClick, modelCode }: { disabled?: boolean; onClick: () => void; modelCode?: string }) {
  const { variant, ready } = useVariant(ORDER_BUTTON_EXPERIMENT)
  const look = ORDER_BUTTON_VARIANTS[variant] ?? ORDER_BUTTON_VARIANTS.control
  const shown = ORDER_BUTTON_VARIANTS[variant] ? variant : 'control'
  return (
    <Button
      className={`btn-primary config-bar__btn order-now ${look.className}`.trim()}
      size='mini'
      data-variant={shown}
      data-ready={ready ? '1' : '0'}
      // `|| undefined`: Taro H5 greys out any `disabled` attribute, even disabled="false".
      disabled={disabled || undefined}
      onClick={() => {
        track('start_checkout', { variant: shown, ...(modelCode ? { modelCode } : {}) })
        onClick()
      }}
    >
      {look.text}
    </Button>
  )
}
