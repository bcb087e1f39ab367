export default definePageConfig({
  navigationBarTitleText: '车型',
  onReachBottomDistance: 100,
})
