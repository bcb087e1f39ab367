export * from './state';
export * from './terms';
export * from './console';
