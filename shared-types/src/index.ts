export * from './money';
export * from './time';
export * from './privacy';
export * from './catalog';
export * from './errors';
export * from './configurator';
export * from './orders';
export * from './maintenance';
