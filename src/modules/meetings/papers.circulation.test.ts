import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { ChangeContext } from '../../platform/audit/audit.service.ts'
import type { Database } from '../../platform/db/client.ts'
import { createOutbox, type Outbox } from '../../platform/notify/notify.service.ts'
import { outbox } from '../../platform/notify/notify.table.ts'
import {
  buildMeetingWorld,
  insertMeeting,
  insertPerson,
  insertSeat,
  type MeetingWorld,
} from './meetings.fixtures.ts'
import type { Meeting } from './meetings.table.ts'
import {
  circulatePapers,
  papersCirculations,
  papersLetter,
  papersRecipients,
  papersToCirculate,
  resendPapers,
} from './papers.circulation.ts'
import { detectPaperType } from './papers.filetype.ts'
import { minimalPdf } from './papers.fixtures.ts'
import { addPaper, addPaperVersion, findPaper } from './papers.service.ts'
import { circulationRecipients, circulations } from './papers.table.ts'

describe('circulating a meeting’s papers', () => {
  let database: Database
  let world: MeetingWorld
  let meeting: Meeting
  let clock: Date
  const tick = (minutes: number) => {
    clock = new Date(clock.getTime() + minutes * 60_000)
  }
  const change = (): ChangeContext => ({
    partnershipId: world.partnership.id,
    actorId: world.accounts.businessTeam.userId,
    now: clock,
  })
  const letter = {
    meetingTitle: 'Test Group, 20 March 2026',
    when: '14:00 to 16:00',
    link: 'https://masa.test/p',
  }

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    clock = new Date('2026-03-02T10:00:00Z')
    meeting = await insertMeeting(database.db, {
      partnershipId: world.partnership.id,
      groupId: world.group.id,
      heldOn: '2026-03-20',
    })
    // A member without an e-mail address cannot be sent the papers.
    const noEmail = await insertPerson(database.db, world.partnership.id, {
      name: 'Nell Noemail',
      email: null,
    })
    await insertSeat(database.db, {
      partnershipId: world.partnership.id,
      groupId: world.group.id,
      personId: noEmail.id,
    })
  })
  afterAll(() => database.close())

  const pdf = async () => {
    const content = minimalPdf()
    return { filename: 'paper.pdf', content, type: (await detectPaperType(content))! }
  }
  const messagesTo = (subject: string) =>
    database.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.partnershipId, world.partnership.id), eq(outbox.subject, subject)))
  const outboxService = () => createOutbox({ db: database.db, now: () => clock })

  it('sends the papers to the members with an e-mail, then only papers that are new or updated', async () => {
    const a = await addPaper(database.db, change(), {
      meetingId: meeting.id,
      title: 'Paper A',
      agendaItemId: null,
      restricted: false,
      file: await pdf(),
    })
    await addPaper(database.db, change(), {
      meetingId: meeting.id,
      title: 'Paper B',
      agendaItemId: null,
      restricted: true,
      file: await pdf(),
    })
    const { recipients, cannotEmail } = await papersRecipients(database.db, meeting)
    expect(recipients.map((r) => r.name)).toEqual([
      'Chris Chair',
      'Hana Head',
      'Harriet Health',
      'Pat Police',
    ])
    expect(cannotEmail.map((r) => r.name)).toEqual(['Nell Noemail'])

    tick(5)
    const first = await circulatePapers(database.db, outboxService(), change(), {
      meetingId: meeting.id,
      letter,
    })
    expect(first).toMatchObject({ papers: 2, delivery: { sent: 4, failed: [] } })
    const sent = await messagesTo('Papers for Test Group, 20 March 2026')
    expect(sent).toHaveLength(4)
    expect(sent[0]!.textBody).toContain('- Paper A')
    expect(sent[0]!.textBody).toContain('- Paper B (restricted: for the group’s members only)')
    expect(sent[0]!.textBody).toContain('https://masa.test/p')
    expect((await findPaper(database.db, meeting.id, a.paperId))?.firstCirculatedAt).toEqual(clock)
    const firstAt = clock

    // Sending again (a form sent twice) finds nothing to send.
    tick(1)
    expect(await papersToCirculate(database.db, meeting.id)).toEqual([])
    const again = await circulatePapers(database.db, outboxService(), change(), {
      meetingId: meeting.id,
      letter,
    })
    expect(again).toEqual({ circulationId: null, papers: 0, delivery: null })
    expect(await messagesTo('Papers for Test Group, 20 March 2026')).toHaveLength(4)

    tick(60)
    await addPaperVersion(database.db, change(), {
      meetingId: meeting.id,
      paperId: a.paperId,
      file: await pdf(),
    })
    await addPaper(database.db, change(), {
      meetingId: meeting.id,
      title: 'Paper C',
      agendaItemId: null,
      restricted: false,
      file: await pdf(),
    })
    expect((await papersToCirculate(database.db, meeting.id)).map((p) => p.title)).toEqual([
      'Paper A',
      'Paper C',
    ])
    tick(5)
    const second = await circulatePapers(database.db, outboxService(), change(), {
      meetingId: meeting.id,
      letter,
    })
    expect(second.papers).toBe(2)
    const [circulation] = await database.db
      .select()
      .from(circulations)
      .where(eq(circulations.id, second.circulationId!))
    expect(circulation?.message).toBe('- Paper A (updated: version 2)\n- Paper C')
    // The first circulation date of an updated paper does not move.
    expect((await findPaper(database.db, meeting.id, a.paperId))?.firstCirculatedAt).toEqual(firstAt)
  })

  it('resends a circulation only to the recipients it has not reached', async () => {
    await addPaper(database.db, change(), {
      meetingId: meeting.id,
      title: 'Paper D',
      agendaItemId: null,
      restricted: false,
      file: await pdf(),
    })
    const real = outboxService()
    const police = world.people.police.email
    const flaky: Outbox = {
      ...real,
      enqueue: async (tx, message) => {
        if (message.to === police) throw new Error('mail refused')
        return real.enqueue(tx, message)
      },
    }
    tick(5)
    const result = await circulatePapers(database.db, flaky, change(), { meetingId: meeting.id, letter })
    expect(result.delivery?.sent).toBe(3)
    expect(result.delivery?.failed.map((f) => f.email)).toEqual([police])

    const [latest] = await papersCirculations(database.db, meeting.id)
    expect(latest?.id).toBe(result.circulationId)
    expect(latest?.papers).toEqual(['Paper D'])
    expect(latest?.waiting).toBe(1)
    expect(latest?.recipients.find((r) => r.email === police)?.status).toBe('waiting')
    expect(latest?.recipients.find((r) => r.name === 'Chris Chair')?.status).toBe('outbox')

    tick(5)
    const resent = await resendPapers(database.db, real, change(), {
      meeting,
      circulationId: result.circulationId!,
      letter,
    })
    expect(resent).toEqual({ sent: 1, failed: [] })
    const toPolice = await database.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.toAddress, police!), eq(outbox.subject, 'Papers for Test Group, 20 March 2026')))
    expect(toPolice.filter((m) => m.textBody.includes('Paper D'))).toHaveLength(1)
    expect(
      await resendPapers(database.db, real, change(), {
        meeting,
        circulationId: result.circulationId!,
        letter,
      }),
    ).toEqual({ sent: 0, failed: [] })

    const all = await papersCirculations(database.db, meeting.id)
    expect(all).toHaveLength(3)
    expect(all[0]?.waiting).toBe(0)
  })

  it('shows delivery and failure from the outbox', async () => {
    const [latest] = await papersCirculations(database.db, meeting.id)
    const chair = latest!.recipients.find((r) => r.name === 'Chris Chair')!
    const [row] = await database.db
      .select({ outboxId: circulationRecipients.outboxId })
      .from(circulationRecipients)
      .where(
        and(
          eq(circulationRecipients.circulationId, latest!.id),
          eq(circulationRecipients.personId, chair.personId),
        ),
      )
    expect(chair.status).toBe('outbox')
    await database.db.update(outbox).set({ status: 'failed' }).where(eq(outbox.id, row!.outboxId!))
    const [after] = await papersCirculations(database.db, meeting.id)
    expect(after!.recipients.find((r) => r.personId === chair.personId)?.status).toBe('failed')
  })

  it('names restricted papers only to members of the group', () => {
    const message = '- Open\n- [Restricted] Case review'
    expect(papersLetter(letter, message, { name: 'A', isMember: true }).text).toContain('Case review')
    const outsider = papersLetter(letter, message, { name: 'B', isMember: false }).text
    expect(outsider).not.toContain('Case review')
    expect(outsider).toContain('for the group’s members only')
  })
})
