import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each file starts its own BFF and database; a slow CI disk must not fail a test on time.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
