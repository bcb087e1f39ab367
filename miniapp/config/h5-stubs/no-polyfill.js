// Stands in for polyfills Taro's H5 runtime imports (whatwg-fetch, abortcontroller-polyfill): every
// browser the H5 build targets (package.json browserslist "h5") has fetch and AbortController.
export {}
