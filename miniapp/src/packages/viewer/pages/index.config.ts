export default definePageConfig({
  navigationBarTitleText: '3D 看车',
})
