export * from './types';
export * from './pricing';
export * from './engine';
export * from './validate';
export * from './edit';
