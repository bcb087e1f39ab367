export default definePageConfig({
  navigationBarTitleText: '运营看板',
})
