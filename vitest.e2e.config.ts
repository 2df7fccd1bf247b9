import { defineConfig } from 'vitest/config'

/** Browser tests: run by `npm run test:e2e` (scripts/e2e.ts), which starts the server first. */
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    // One server, one browser at a time: the journeys share the server's data.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    allowOnly: !process.env.CI,
    env: { TZ: 'Europe/London' },
    reporters: ['default', ['json', { outputFile: '.cache/vitest-e2e-results.json' }]],
  },
})
