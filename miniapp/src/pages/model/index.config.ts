export default definePageConfig({
  navigationBarTitleText: '车型详情',
  enableShareAppMessage: true,
})
