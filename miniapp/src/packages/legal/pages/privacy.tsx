import { Text, View } from '@tarojs/components'
import { PRIVACY_POLICY } from '../../../utils/privacy-policy'
import './privacy.scss'

/** 隐私政策 in full, linked from the login panel and 我的. */
export default function PrivacyPolicyPage() {
  return (
    <View className='page privacy-page'>
      <Text className='privacy-page__title'>隐私政策</Text>
      <Text className='privacy-page__version'>版本 {PRIVACY_POLICY.version}</Text>
      {PRIVACY_POLICY.sections.map((s) => (
        <View key={s.title} className='privacy-section'>
          <Text className='privacy-section__title'>{s.title}</Text>
          {s.paragraphs.map((p) => (
            <Text key={p} className='privacy-section__p'>
              {p}
            </Text>
          ))}
        </View>
      ))}
    </View>
  )
}
