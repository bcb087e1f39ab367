/** zod schemas: the single source of request validation (BFF) and of the OpenAPI document. */
export * from './common';
export * from './catalog';
export * from './auth';
export * from './finance';
export * from './advisors';
export * from './analytics';
export * from './orders-admin';
export * from './catalog-admin';
export * from './tracking';
export * from './reconciliation';
export * from './vehicles-admin';
export * from './dashboard';
export * from './audit';
export * from './users-admin';
