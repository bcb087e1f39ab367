import { type PropsWithChildren } from 'react'
import { useLaunch } from '@tarojs/taro'
import './app.scss'

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    // Nothing to bootstrap yet: the session token is read from storage on each request.
  })
  // `children` is the page being rendered.
  return children
}

export default App
