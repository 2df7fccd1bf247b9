import { and, eq, like } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import { createOutbox } from '../../platform/notify/notify.service.ts'
import { outbox } from '../../platform/notify/notify.table.ts'
import { buildMeetingWorld, type MeetingWorld, NOW, TODAY } from '../meetings/meetings.fixtures.ts'
import type { Meeting } from '../meetings/meetings.table.ts'
import { agencies } from '../partnership/structure.table.ts'
import { complianceMeeting, insertFailure } from './compliance.fixtures.ts'
import { complianceFailures } from './compliance.table.ts'
import {
  agencyOf,
  letterDetail,
  letterDraft,
  paragraphsOf,
  recordLetterSent,
  saveLetter,
  strategicPartners,
} from './letters.service.ts'

describe('escalation letters', () => {
  let database: Database
  let world: MeetingWorld
  let meeting: Meeting
  const change = () => ({
    partnershipId: world.partnership.id,
    actorId: world.accounts.businessTeam.userId,
    now: NOW,
    requestId: 'test',
  })
  const draftFor = async (agencyId: string) =>
    letterDraft(database.db, {
      partnershipId: world.partnership.id,
      partnershipName: world.partnership.name,
      agency: (await agencyOf(database.db, world.partnership.id, agencyId))!,
      today: TODAY,
      sender: { name: 'Bea Business', title: 'Business Manager' },
    })

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    meeting = await complianceMeeting(database.db, world, '2025-09-01')
    await database.db
      .update(agencies)
      .set({
        executiveName: 'Chief Constable Jo Bloggs',
        executiveTitle: 'Chief Constable',
        executiveEmail: 'cc@police.example',
      })
      .where(eq(agencies.id, world.agencies.police.id))
    await database.db
      .update(agencies)
      .set({ executiveEmail: 'Chief.Exec@council.example' })
      .where(eq(agencies.id, world.agencies.council.id))
    await database.db
      .update(agencies)
      .set({ executiveName: 'Head of Trust', executiveEmail: 'head@academy.example' })
      .where(eq(agencies.id, world.agencies.school.id))
    await insertFailure(database.db, world, meeting, {
      dueOn: '2025-10-06',
      respondedOn: '2025-10-10',
      description: 'Review the neglect strategy.',
    })
    await insertFailure(database.db, world, meeting, {
      dueOn: '2026-01-12',
      description: 'Audit missing-child returns',
    })
  })

  afterAll(async () => {
    await database.close()
  })

  it('drafts a letter to the executive member listing each failure', async () => {
    const draft = await draftFor(world.agencies.police.id)
    expect(draft.missingExecutive).toBe(false)
    expect(draft.letterDue).toBe(true)
    expect(draft.values).toMatchObject({
      addresseeName: 'Chief Constable Jo Bloggs',
      addresseeTitle: 'Chief Constable',
      subject: 'Testshire Police: responses to the partnership’s actions',
      senderName: 'Bea Business',
      senderTitle: 'Business Manager',
    })
    const paragraphs = paragraphsOf(draft.values.body)
    const [first, second] = draft.failures
    expect(paragraphs).toContain(
      `${first!.reference}: Review the neglect strategy. Due 6 October 2025; answered 10 October 2025.`,
    )
    expect(paragraphs).toContain(
      `${second!.reference}: Audit missing-child returns. Due 12 January 2026; not answered.`,
    )
    expect(paragraphs.some((p) => p.includes('following 2 actions'))).toBe(true)
  })

  it('says when the agency has no executive member recorded', async () => {
    const draft = await draftFor(world.agencies.health.id)
    expect(draft.missingExecutive).toBe(true)
    expect(draft.values.addresseeName).toBe('')
    expect(draft.failures).toEqual([])
  })

  it('saves the letter with its failures, and records its sending once, telling the strategic partners', async () => {
    const draft = await draftFor(world.agencies.police.id)
    const letter = await saveLetter(database.db, change(), {
      agencyId: world.agencies.police.id,
      fields: draft.values,
      failureIds: draft.failures.map((f) => f.id),
    })
    const listed = await database.db
      .select()
      .from(complianceFailures)
      .where(eq(complianceFailures.letterId, letter.id))
    expect(listed).toHaveLength(2)
    const [audit] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, letter.id), eq(auditLog.action, 'drafted')))
    expect(audit).toMatchObject({
      entityType: 'escalation_letter',
      actorId: world.accounts.businessTeam.userId,
    })

    const recipients = await strategicPartners(database.db, world.partnership.id, TODAY)
    expect(recipients.map((r) => r.email).sort()).toEqual(
      [
        world.accounts.police.email,
        world.accounts.partner.email,
        'cc@police.example',
        'Chief.Exec@council.example',
      ].sort(),
    )

    const mail = createOutbox({ db: database.db, now: () => NOW })
    const sent = await recordLetterSent(database.db, mail, change(), {
      letterId: letter.id,
      sentOn: TODAY,
      partnershipName: world.partnership.name,
      letterUrl: `https://masa.example/p/${world.partnership.slug}/compliance/letters/${letter.id}`,
    })
    expect(sent).toMatchObject({
      notified: 4,
      letter: { sentOn: TODAY, sentById: world.accounts.businessTeam.userId },
    })
    const messages = await database.db
      .select()
      .from(outbox)
      .where(like(outbox.subject, 'Escalation letter sent to Testshire Police'))
    expect(messages).toHaveLength(4)
    const toPartner = messages.find((m) => m.toAddress === world.accounts.police.email)!
    expect(toPartner.textBody).toContain(
      'sent a letter on 2 March 2026 to Chief Constable Jo Bloggs, Chief Constable',
    )
    expect(toPartner.textBody).toContain('not answered')
    expect(toPartner.textBody).toContain(`/compliance/letters/${letter.id}`)
    // Someone without an account is not sent a link they cannot open.
    const toExecutive = messages.find((m) => m.toAddress === 'cc@police.example')!
    expect(toExecutive.textBody).not.toContain('/compliance/letters/')

    const again = await recordLetterSent(database.db, mail, change(), {
      letterId: letter.id,
      sentOn: TODAY,
      partnershipName: world.partnership.name,
      letterUrl: 'x',
    })
    expect(again).toBeNull()
    expect(
      await database.db.select().from(outbox).where(like(outbox.subject, 'Escalation letter sent%')),
    ).toHaveLength(4)
    const detail = await letterDetail(database.db, world.partnership.id, letter.id)
    expect(detail).toMatchObject({
      replaced: false,
      sentByName: 'Bea Business',
      createdByName: 'Bea Business',
    })
    expect(detail!.failures).toHaveLength(2)
  })

  it('lets a new draft take over the failures of an unsent one', async () => {
    await insertFailure(database.db, world, meeting, {
      dueOn: '2026-02-02',
      agencyId: world.agencies.health.id,
    })
    const first = await draftFor(world.agencies.health.id)
    const fields = { ...first.values, addresseeName: 'Someone' }
    const old = await saveLetter(database.db, change(), {
      agencyId: world.agencies.health.id,
      fields,
      failureIds: first.failures.map((f) => f.id),
    })
    const second = await draftFor(world.agencies.health.id)
    expect(second.failures).toHaveLength(1)
    const later = await saveLetter(
      database.db,
      { ...change(), now: new Date(NOW.getTime() + 60_000) },
      {
        agencyId: world.agencies.health.id,
        fields,
        failureIds: second.failures.map((f) => f.id),
      },
    )
    expect((await letterDetail(database.db, world.partnership.id, old.id))!.replaced).toBe(true)
    expect((await letterDetail(database.db, world.partnership.id, later.id))!.failures).toHaveLength(1)
    // Another partnership's letter is not found from this one.
    expect(await letterDetail(database.db, crypto.randomUUID(), later.id)).toBeNull()
  })
})
