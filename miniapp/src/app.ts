import { type PropsWithChildren } from 'react'
import { useLaunch } from '@tarojs/taro'
import { ensurePrivacyConsent } from './utils/privacy'
import './app.scss'

// `process.env.TARO_ENV` is a build-time constant, so mini-program builds drop these requires.
if (process.env.TARO_ENV === 'h5') {
  require('./h5-fixes.scss')
  require('./h5-preact-fixes') // H5 renders with Preact (config/index.ts)
}

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    // The session token is read from storage on each request. Privacy consent: asked once per
    // policy version (a native modal, so it sits above whichever page opened the app), and an
    // answer not yet recorded by the BFF is sent again. Deferred so the first page mounts first.
    setTimeout(() => void ensurePrivacyConsent(), 0)
  })
  // `children` is the page being rendered.
  return children
}

export default App
