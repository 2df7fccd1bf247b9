import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup.ts'],
    // Vitest's default (cores − 1) is one worker on a 2-core CI machine; the tests wait on the
    // database as much as they compute, so two workers finish the suite sooner there.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 20_000,
    hookTimeout: 60_000,
    allowOnly: !process.env.CI,
    env: { TZ: 'Europe/London', LOG_LEVEL: 'silent', NODE_ENV: 'test' },
    reporters: ['default', ['json', { outputFile: '.cache/vitest-results.json' }]],
  },
})
