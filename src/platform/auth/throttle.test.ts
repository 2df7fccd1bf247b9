import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../db/client.ts'
import { createThrottle } from './throttle.ts'

describe('sign-in throttle', () => {
  let database: Database
  let clock = new Date('2026-11-23T09:00:00Z')
  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(() => database.close())

  it('locks an account after the limit until the failures age out, and prunes old ones', async () => {
    const throttle = createThrottle({
      db: database.db,
      now: () => clock,
      policy: { windowMs: 60_000, perAccount: 3, perAddress: 100 },
    })
    for (let i = 0; i < 3; i++) {
      expect(await throttle.retryAt('A@example.org', '10.0.0.1')).toBeNull()
      await throttle.recordFailure('a@example.org', '10.0.0.1')
      clock = new Date(clock.getTime() + 10_000)
    }
    const retry = await throttle.retryAt('a@example.org', '10.0.0.9')
    // The first failure (at 09:00:00) leaves the window at 09:01:00.
    expect(retry?.toISOString()).toBe('2026-11-23T09:01:00.000Z')
    // Resets are counted apart: asking for one does not lock sign-in.
    expect(await throttle.retryAt('a@example.org', '10.0.0.9', 'reset')).toBeNull()
    clock = new Date('2026-11-23T09:01:00.001Z')
    expect(await throttle.retryAt('a@example.org', '10.0.0.9')).toBeNull()
    clock = new Date('2026-11-23T09:05:00Z')
    expect(await throttle.prune()).toBe(6)
  })

  it('locks a shared address only at its own, higher limit', async () => {
    const throttle = createThrottle({
      db: database.db,
      now: () => clock,
      policy: { windowMs: 60_000, perAccount: 100, perAddress: 2 },
    })
    await throttle.recordFailure('x@example.org', '10.9.9.9')
    await throttle.recordFailure('y@example.org', '10.9.9.9')
    expect(await throttle.retryAt('z@example.org', '10.9.9.9')).not.toBeNull()
    expect(await throttle.retryAt('z@example.org', '10.9.9.8')).toBeNull()
  })
})
