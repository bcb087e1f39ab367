// Stands in for jsonp-retry, which Taro's H5 request bundles for `Taro.request({ jsonp })`. The app
// never makes JSONP requests (the BFF speaks JSON with CORS), so a call fails loudly instead.
export default function jsonpRetry() {
  return Promise.reject(new Error('JSONP requests are not supported in this H5 build'))
}
