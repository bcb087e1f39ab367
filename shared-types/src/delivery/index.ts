export * from './geo';
export * from './network';
export * from './model';
export * from './eta';
export * from './sim';
export * from './alerts';
export * from './calibration';
