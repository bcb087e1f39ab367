export default definePageConfig({
  navigationBarTitleText: '首发抢购',
  // Launches are shared a lot before the open (friends, groups).
  enableShareAppMessage: true,
})
