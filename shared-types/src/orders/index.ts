export * from './state';
export * from './terms';
