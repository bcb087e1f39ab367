export * from './model';
export * from './evaluate';
