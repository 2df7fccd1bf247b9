import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, type TestClient } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../test/factories.ts'
import type { Partnership } from '../../modules/partnership/partnership.table.ts'
import type { Database } from '../db/client.ts'
import { recordAudit } from './audit.service.ts'
import { auditLog } from './audit.table.ts'

describe('audit log pages', () => {
  let database: Database
  let t: TestApp
  let partnership: Partnership
  let elsewhere: Partnership
  let admin: { id: string; email: string; password: string }
  let adminClient: TestClient
  let otherEntryId: string

  beforeAll(async () => {
    database = await createTestDatabase()
    const { db } = database
    partnership = await buildPartnership(db)
    elsewhere = await buildPartnership(db)
    admin = await buildUser(db, { partnershipId: partnership.id, role: 'administrator', name: 'Ada Admin' })
    const p = partnership.id
    await recordAudit(
      db,
      {
        partnershipId: p,
        entityType: 'rule',
        entityId: 'response-days',
        action: 'update',
        before: { days: 20 },
        after: { days: 15 },
      },
      new Date('2025-01-10T12:00:00Z'),
    )
    await recordAudit(
      db,
      {
        partnershipId: p,
        actorId: admin.id,
        entityType: 'membership',
        entityId: 'abc-123',
        action: 'invite',
        after: { email: 'new@example.org', note: '<script>x</script>' },
        requestId: 'req-1',
      },
      // 00:30 on 2 June, UK time.
      new Date('2025-06-01T23:30:00Z'),
    )
    await recordAudit(
      db,
      {
        partnershipId: p,
        actorId: admin.id,
        entityType: 'document',
        entityId: '=HYPERLINK("x")',
        action: 'create',
        after: { title: '-1+1' },
      },
      new Date('2025-07-01T09:00:00Z'),
    )
    await recordAudit(
      db,
      { partnershipId: elsewhere.id, entityType: 'rule', entityId: 'secret-elsewhere', action: 'update' },
      new Date('2025-07-02T09:00:00Z'),
    )
    const [other] = await db.select().from(auditLog).where(eq(auditLog.partnershipId, elsewhere.id))
    otherEntryId = other!.id
    t = await buildTestApp(database)
    adminClient = t.client()
    await adminClient.signIn(admin.email, admin.password)
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  const audit = (query = '') => adminClient.get(`/p/${partnership.slug}/audit${query}`)
  const rowsOf = (html: string) => html.match(/<tr class="govuk-table__row">/g)?.length ?? 0

  it('lists the partnership’s entries, newest first, and nothing of another partnership', async () => {
    const page = await audit()
    expect(page.statusCode).toBe(200)
    const body = page.body
    expect(body).not.toContain('secret-elsewhere')
    expect(body.indexOf('=HYPERLINK')).toBeLessThan(body.indexOf('abc-123'))
    expect(body.indexOf('abc-123')).toBeLessThan(body.indexOf('response-days'))
    expect(body).toContain(`Ada Admin<br><span class="govuk-body-s">${admin.email}</span>`)
    expect(body).toContain('System')
    expect(body).toContain('2 Jun 2025<br><span class="govuk-body-s">12:30:00am</span>')
  })

  it('filters by person, record type, action, record id and UK dates', async () => {
    expect(rowsOf((await audit('?person=ada')).body)).toBe(1 + 2)
    expect(rowsOf((await audit(`?person=${encodeURIComponent(admin.email.toUpperCase())}`)).body)).toBe(1 + 2)
    expect(rowsOf((await audit('?entityType=Membership')).body)).toBe(1 + 1)
    expect(rowsOf((await audit('?action=update')).body)).toBe(1 + 1)
    expect(rowsOf((await audit('?entityId=123')).body)).toBe(1 + 1)
    // % is matched literally, not as a wildcard.
    expect((await audit('?entityId=%25')).body).toContain('No entries match these filters.')
    expect(rowsOf((await audit('?from=2025-06-02&to=2025-06-02')).body)).toBe(1 + 1)
    expect((await audit('?from=2025-06-01&to=2025-06-01')).body).toContain('No entries match these filters.')
    const filtered = (await audit('?action=update')).body
    expect(filtered).toContain('value="update"')
    expect(filtered).toContain('Clear filters')
    expect(filtered).toContain(`href="/p/${partnership.slug}/audit.csv?action=update"`)
  })

  it('shows GOV.UK errors and no entries for filters that are not valid', async () => {
    const page = await audit('?from=2025-02-30&to=yesterday')
    expect(page.statusCode).toBe(400)
    expect(page.body).toContain('There is a problem')
    expect(page.body).toContain('Date from must be a real date, like 2025-03-27')
    expect(page.body).toContain('href="#from"')
    expect(page.body).toContain('Date to must be a real date')
    expect(page.body).not.toContain('data-testid="audit-table"')
    const order = await audit('?from=2025-06-02&to=2025-06-01')
    expect(order.body).toContain('Date to must be the same as or after date from')
    const csv = await adminClient.get(`/p/${partnership.slug}/audit.csv?from=nonsense`)
    expect(csv.statusCode).toBe(303)
  })

  it('shows one entry with its before and after, escaped', async () => {
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.partnershipId, partnership.id), eq(auditLog.entityId, 'abc-123')))
    const page = await adminClient.get(`/p/${partnership.slug}/audit/${entry!.id}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('&quot;email&quot;: &quot;new@example.org&quot;')
    expect(page.body).toContain('&lt;script&gt;')
    expect(page.body).toContain('req-1')
    expect(page.body).toContain(entry!.hash)
    expect((await adminClient.get(`/p/${partnership.slug}/audit/${otherEntryId}`)).statusCode).toBe(404)
    expect((await adminClient.get(`/p/${partnership.slug}/audit/nonsense`)).statusCode).toBe(404)
  })

  it('exports the filtered entries as CSV, defused against formulas, and records the export', async () => {
    const response = await adminClient.get(`/p/${partnership.slug}/audit.csv?entityType=document`)
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toContain('text/csv')
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="audit-test-.*\.csv"$/)
    const lines = response.body.replace(/^\ufeff/, '').split('\r\n')
    expect(lines[0]).toBe('at,seq,actor_email,entity_type,entity_id,action,before,after,request_id,hash')
    expect(lines).toHaveLength(3)
    expect(lines[1]).toContain(
      `2025-07-01T09:00:00.000Z,3,${admin.email},document,"'=HYPERLINK(""x"")",create,,`,
    )
    expect(lines[1]).toContain('"{""title"":""-1+1""}"')
    const [exported] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.partnershipId, partnership.id), eq(auditLog.action, 'export')))
    expect(exported).toMatchObject({
      actorId: admin.id,
      entityType: 'audit_log',
      after: { format: 'csv', filters: { entityType: 'document' } },
    })
  })

  it('pages through many entries, 50 at a time, both ways', async () => {
    const busy = await buildPartnership(database.db)
    const owner = await buildUser(database.db, { partnershipId: busy.id, role: 'administrator' })
    const start = Date.parse('2025-03-01T10:00:00Z')
    // Some entries share a time, so seq has to break the tie.
    for (let i = 0; i < 120; i++) {
      await recordAudit(
        database.db,
        {
          partnershipId: busy.id,
          entityType: 'item',
          entityId: `item-${String(i).padStart(3, '0')}`,
          action: 'create',
        },
        new Date(start + Math.floor(i / 3) * 60_000),
      )
    }
    const client = t.client()
    await client.signIn(owner.email, owner.password)
    const ids = (html: string) => [...html.matchAll(/item-(\d{3})/g)].map((m) => Number(m[1]))
    const first = await client.get(`/p/${busy.slug}/audit?action=create`)
    expect(ids(first.body)).toEqual(Array.from({ length: 50 }, (_, i) => 119 - i))
    expect(first.body).not.toContain('Newer entries')
    const older = first.body.match(/href="(\?action=create&amp;before=\d+)"/)?.[1]?.replaceAll('&amp;', '&')
    const second = await client.get(`/p/${busy.slug}/audit${older}`)
    expect(ids(second.body)).toEqual(Array.from({ length: 50 }, (_, i) => 69 - i))
    const thirdHref = second.body
      .match(/href="(\?action=create&amp;before=\d+)"/)?.[1]
      ?.replaceAll('&amp;', '&')
    const third = await client.get(`/p/${busy.slug}/audit${thirdHref}`)
    expect(ids(third.body)).toEqual(Array.from({ length: 20 }, (_, i) => 19 - i))
    expect(third.body).not.toContain('Older entries')
    const newerHref = third.body
      .match(/href="(\?action=create&amp;after=\d+)"/)?.[1]
      ?.replaceAll('&amp;', '&')
    const back = await client.get(`/p/${busy.slug}/audit${newerHref}`)
    expect(ids(back.body)).toEqual(ids(second.body))
    const csv = await client.get(`/p/${busy.slug}/audit.csv?action=create`)
    expect(csv.body.trim().split('\r\n')).toHaveLength(121)
  })

  it('is for administrators only', async () => {
    const member = await buildUser(database.db, { partnershipId: partnership.id, role: 'business_team' })
    const client = t.client()
    await client.signIn(member.email, member.password)
    expect((await client.get(`/p/${partnership.slug}/audit`)).statusCode).toBe(403)
    expect((await client.get(`/p/${partnership.slug}/audit.csv`)).statusCode).toBe(403)
    expect((await t.client().get(`/p/${partnership.slug}/audit`)).statusCode).toBe(303)
    expect((await adminClient.get(`/p/${elsewhere.slug}/audit`)).statusCode).toBe(404)
  })
})
