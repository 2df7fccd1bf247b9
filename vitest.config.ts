import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    allowOnly: !process.env.CI,
    env: { TZ: 'Europe/London', LOG_LEVEL: 'silent', NODE_ENV: 'test' },
    reporters: ['default', ['json', { outputFile: '.cache/vitest-results.json' }]],
  },
})
