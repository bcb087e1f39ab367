export * from './dates';
export * from './plans';
export * from './predict';
export * from './campaigns';
