export * from './types';
export * from './pricing';
