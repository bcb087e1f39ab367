/// <reference types="@tarojs/taro" />

declare module '*.png'
declare module '*.jpg'
declare module '*.svg'
declare module '*.css'
declare module '*.scss'

/** Build-time API base override (config/index.ts); null = per-target default. */
declare const CARMALL_API_BASE: string | null

declare namespace NodeJS {
  interface ProcessEnv {
    NODE_ENV: 'development' | 'production' | 'test'
    /** Target being built; replaced at build time, so branches on it are dead-code eliminated. */
    TARO_ENV: 'weapp' | 'alipay' | 'h5' | 'swan' | 'tt' | 'qq' | 'jd' | 'rn' | 'harmony'
    TARO_APP_API_BASE?: string
  }
}
