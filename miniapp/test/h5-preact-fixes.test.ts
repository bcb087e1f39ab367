import { h, render } from 'preact'
import { afterEach, describe, expect, it } from 'vitest'
import '../src/h5-preact-fixes'

// The H5 build renders with Preact. Taro's H5 component wrappers copy every prop onto their element
// as a property on mount (stand-in below: `el['data-fen'] = …`); Preact then updates such a prop as
// the property only, so the attribute kept its first value (the finance page's 月供 data-fen).
const root = document.createElement('div')
afterEach(() => render(null, root))

/** Render a Taro-like element, then do what Taro's wrapper does on mount. */
function mount(tag: string, props: Record<string, unknown>) {
  render(h(tag, props), root)
  const el = root.firstElementChild as Element & Record<string, unknown>
  for (const [k, v] of Object.entries(props)) el[k] = v
  return el
}

describe('H5 Preact fixes: data-* attributes of Taro elements', () => {
  it('follow numbers and booleans on update', () => {
    const el = mount('taro-text-core', { 'data-fen': 391370, 'data-open': false })
    render(h('taro-text-core', { 'data-fen': 335460, 'data-open': true }), root)
    expect(el.getAttribute('data-fen')).toBe('335460')
    expect(el.getAttribute('data-open')).toBe('true')
  })

  it('are removed when the prop goes away', () => {
    const el = mount('taro-view-core', { 'data-fen': 1 })
    render(h('taro-view-core', { 'data-fen': undefined }), root)
    expect(el.hasAttribute('data-fen')).toBe(false)
  })

  it('leave other elements to Preact', () => {
    const el = mount('div', { 'data-fen': 1 })
    render(h('div', { 'data-fen': 2 }), root)
    // A plain element stays as Preact left it: the hook only touches taro-* elements.
    expect(el.getAttribute('data-fen')).toBe('1')
  })
})

describe('H5 Preact fixes: controlled Taro inputs', () => {
  const attached = document.body.appendChild(document.createElement('div'))
  afterEach(() => render(null, attached))
  const typed = async (el: Element & { value?: unknown }, value: string) => {
    el.value = value
    el.dispatchEvent(new Event('input', { bubbles: true }))
    await new Promise((resolve) => setTimeout(resolve, 10))
  }

  it('go back to their value when the handler refuses a keystroke', async () => {
    render(h('taro-input-core', { value: '138' }), attached)
    const el = attached.firstElementChild as Element & { value?: unknown }
    await typed(el, '138a') // the handler strips the letter: state unchanged, no re-render
    expect(el.value).toBe('138')
  })

  it('are left alone when the change was rendered', async () => {
    render(h('taro-input-core', { value: '138' }), attached)
    const el = attached.firstElementChild as Element & { value?: unknown }
    render(h('taro-input-core', { value: '1384' }), attached) // the handler's update
    await typed(el, '1384')
    expect(el.value).toBe('1384')
  })
})
