export * from './model';
export * from './evaluate';
export * from './responses';
