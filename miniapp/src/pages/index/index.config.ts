export default definePageConfig({
  navigationBarTitleText: '车商城',
})
