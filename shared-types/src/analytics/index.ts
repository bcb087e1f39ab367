export * from './bucket';
export * from './stats';
export * from './funnel';
export * from './events';
