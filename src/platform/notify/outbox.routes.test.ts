import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../test/factories.ts'
import type { Partnership } from '../../modules/partnership/partnership.table.ts'
import type { Database } from '../db/client.ts'
import { createOutbox } from './notify.service.ts'
import { outbox as outboxTable } from './notify.table.ts'

describe('outbox pages', () => {
  let database: Database
  let t: TestApp
  let partnership: Partnership
  let admin: { email: string; password: string }
  let businessTeam: { email: string; password: string }

  beforeAll(async () => {
    database = await createTestDatabase()
    partnership = await buildPartnership(database.db)
    admin = await buildUser(database.db, { partnershipId: partnership.id, role: 'administrator' })
    businessTeam = await buildUser(database.db, { partnershipId: partnership.id, role: 'business_team' })
    t = await buildTestApp(database)
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('shows an empty outbox, then the messages written, escaped', async () => {
    const client = t.client()
    await client.signIn(admin.email, admin.password)
    const empty = await client.get(`/p/${partnership.slug}/outbox`)
    expect(empty.body).toContain('There are no messages.')
    expect(empty.body).toContain('E-mail is not set up for this installation')

    const outbox = createOutbox({ db: database.db, now: () => new Date() })
    const message = await outbox.enqueue(database.db, {
      partnershipId: partnership.id,
      to: 'chair@example.org',
      subject: 'Minutes <b>ready</b>',
      text: 'Please approve the draft minutes.',
    })
    const list = await client.get(`/p/${partnership.slug}/outbox`)
    expect(list.body).toContain('Minutes &lt;b&gt;ready&lt;/b&gt;')
    expect(list.body).toContain('Pending (1)')
    const detail = await client.get(`/p/${partnership.slug}/outbox/${message.id}`)
    expect(detail.body).toContain('Please approve the draft minutes.')
    // Another partnership's id, or nonsense, is simply not found.
    expect((await client.get(`/p/${partnership.slug}/outbox/not-an-id`)).statusCode).toBe(404)
  })

  it('lets an administrator, and only an administrator, send a failed message again', async () => {
    const outbox = createOutbox({ db: database.db, now: () => new Date() })
    const message = await outbox.enqueue(database.db, {
      partnershipId: partnership.id,
      to: 'x@example.org',
      subject: 'S',
      text: 'T',
    })
    await database.db.update(outboxTable).set({ status: 'failed', lastError: '550 no such user' })
    const team = t.client()
    await team.signIn(businessTeam.email, businessTeam.password)
    const refused = await team.submit(
      `/p/${partnership.slug}/outbox/${message.id}`,
      `/p/${partnership.slug}/outbox/${message.id}/retry`,
      {},
    )
    expect(refused.statusCode).toBe(403)

    const client = t.client()
    await client.signIn(admin.email, admin.password)
    const page = await client.get(`/p/${partnership.slug}/outbox/${message.id}`)
    expect(page.body).toContain('550 no such user')
    expect(page.body).toContain('Send again')
    const retried = await client.submit(
      `/p/${partnership.slug}/outbox/${message.id}`,
      `/p/${partnership.slug}/outbox/${message.id}/retry`,
      {},
    )
    expect(retried.statusCode).toBe(303)
    expect((await outbox.get(message.id))?.status).toBe('pending')
  })
})
