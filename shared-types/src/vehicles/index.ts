export * from './vin';
export * from './plate';
export * from './types';
