export * from './types';
export * from './calc';
export * from './compare';
