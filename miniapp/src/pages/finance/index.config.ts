export default definePageConfig({
  navigationBarTitleText: '金融方案',
})
