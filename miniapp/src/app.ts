import { type PropsWithChildren } from 'react'
import { useLaunch } from '@tarojs/taro'
import './app.scss'

// `process.env.TARO_ENV` is a build-time constant, so mini-program builds drop this require.
if (process.env.TARO_ENV === 'h5') {
  require('./h5-fixes.scss')
}

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    // Nothing to bootstrap yet: the session token is read from storage on each request.
  })
  // `children` is the page being rendered.
  return children
}

export default App
