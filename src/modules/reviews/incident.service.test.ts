import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { ChangeContext } from '../../platform/audit/audit.service.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import { createCalendar } from '../../platform/calendar/calendar.ts'
import type { Database } from '../../platform/db/client.ts'
import type { AppError } from '../../platform/http/errors.ts'
import { defaultRuleSet } from '../../platform/rules/rules.definitions.ts'
import type { FieldProblems } from '../partnership/agencies.problems.ts'
import {
  incidentMessages,
  informationDue,
  informationRequestsOf,
  markInformationReceived,
  recordNotification,
  recordPartnersTold,
  recordRapidReview,
  requestInformation,
  safeguardingPartners,
} from './incident.service.ts'
import { buildReviewWorld, insertCase, type ReviewWorld } from './reviews.fixtures.ts'
import { caseDeadlines } from './reviews.rules.ts'
import {
  type ReviewCase,
  reviewCases,
  reviewInformationRequests,
  reviewPartnerNotices,
} from './reviews.table.ts'

const calendar = createCalendar()
const rules = defaultRuleSet

/** The problems a call was refused with, by field. */
async function problemsOf(promise: Promise<unknown>): Promise<Record<string, string>> {
  const error = (await promise.then(
    () => null,
    (e: unknown) => e,
  )) as FieldProblems | null
  if (!error) throw new Error('Expected the change to be refused')
  expect(error.name).toBe('FieldProblems')
  return error.fields
}

describe('serious incident notification and rapid review', () => {
  let database: Database
  let world: ReviewWorld
  const pid = () => world.partnership.id
  const at = (iso: string): ChangeContext => ({
    partnershipId: pid(),
    actorId: world.accounts.businessTeam.userId,
    now: new Date(`${iso}T10:00:00Z`),
  })
  const reload = async (id: string) =>
    (await database.db.select().from(reviewCases).where(eq(reviewCases.id, id)))[0]!
  const auditOf = (id: string, action: string) =>
    database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, id), eq(auditLog.action, action)))
  const newCase = (fields: Partial<ReviewCase> = {}) => insertCase(database.db, pid(), fields)

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildReviewWorld(database.db)
  })
  afterAll(async () => {
    await database.close()
  })

  describe('the notification', () => {
    it('is due 5 working days after awareness, moved by the Queen’s funeral bank holiday', () => {
      const c = { procedure: 'wt2023', becameAwareOn: '2022-09-13', notifiedOn: '2022-09-21' } as const
      const fields = {
        ...c,
        rapidReviewCompletedOn: null,
        decision: null,
        decidedOn: null,
        publishedOn: null,
        closedOn: null,
      }
      const [step] = caseDeadlines(fields, new Map(), rules, calendar, '2022-10-01')
      expect(step?.key).toBe('notification')
      expect(step?.due).toBe('2022-09-21')
      expect(step?.explanation).toContain('13 September 2022 + 5 working days')
      expect(step?.explanation).toContain('(19 September 2022)')
      expect(step?.timeliness).toBe('on_time')
      const late = caseDeadlines(
        { ...fields, notifiedOn: '2022-09-22' },
        new Map(),
        rules,
        calendar,
        '2022-10-01',
      )
      expect(late[0]).toMatchObject({ timeliness: 'late', lateBy: 1 })
    })

    it('records the awareness and notification dates, audited with before and after', async () => {
      const review = await newCase()
      await recordNotification(database.db, at('2022-10-03'), review.id, {
        becameAwareOn: '2022-09-13',
        notifiedOn: null,
      })
      await recordNotification(database.db, at('2022-10-03'), review.id, {
        becameAwareOn: '2022-09-13',
        notifiedOn: '2022-09-21',
      })
      expect(await reload(review.id)).toMatchObject({ becameAwareOn: '2022-09-13', notifiedOn: '2022-09-21' })
      const entries = await auditOf(review.id, 'review.notified')
      expect(entries).toHaveLength(2)
      const last = entries.find((e) => (e.after as { notifiedOn?: string }).notifiedOn === '2022-09-21')!
      expect(last.entityType).toBe('review_case')
      expect(last.before).toEqual({ notifiedOn: null })
      // The same form again changes nothing and writes nothing.
      await recordNotification(database.db, at('2022-10-03'), review.id, {
        becameAwareOn: '2022-09-13',
        notifiedOn: '2022-09-21',
      })
      expect(await auditOf(review.id, 'review.notified')).toHaveLength(2)
    })

    it('refuses a notification before awareness, and dates in the future, changing nothing', async () => {
      const review = await newCase({ becameAwareOn: '2022-09-13' })
      const before = await problemsOf(
        recordNotification(database.db, at('2022-10-03'), review.id, {
          becameAwareOn: '2022-09-13',
          notifiedOn: '2022-09-12',
        }),
      )
      expect(before.notifiedOn).toBe(
        'The notification date must be on or after the date the local authority became aware (13 September 2022)',
      )
      const future = await problemsOf(
        recordNotification(database.db, at('2022-10-03'), review.id, {
          becameAwareOn: '2022-10-04',
          notifiedOn: '2022-10-05',
        }),
      )
      expect(future.becameAwareOn).toBe(
        'The date the local authority became aware must be today (3 October 2022) or in the past',
      )
      expect(future.notifiedOn).toBe('The notification date must be today (3 October 2022) or in the past')
      expect(await reload(review.id)).toMatchObject({ becameAwareOn: '2022-09-13', notifiedOn: null })
      expect(await auditOf(review.id, 'review.notified')).toHaveLength(0)
    })

    it('does not apply to a Serious Case Review handed over under the 2015 procedure', async () => {
      const review = await newCase({ procedure: 'scr2015' })
      const error = (await recordNotification(database.db, at('2022-10-03'), review.id, {
        becameAwareOn: '2022-09-13',
        notifiedOn: null,
      }).catch((e: unknown) => e)) as AppError
      expect(error.status).toBe(409)
      expect(error.message).toBe(incidentMessages.notWt2023)
    })

    it('keeps the notification on or before a completed rapid review', async () => {
      const review = await newCase({
        becameAwareOn: '2025-12-10',
        notifiedOn: '2025-12-15',
        rapidReviewCompletedOn: '2026-01-07',
      })
      const problems = await problemsOf(
        recordNotification(database.db, at('2026-03-02'), review.id, {
          becameAwareOn: '2025-12-10',
          notifiedOn: '2026-01-08',
        }),
      )
      expect(problems.notifiedOn).toBe(
        'The notification date must be on or before the rapid review’s completion (7 January 2026)',
      )
    })

    it('keeps the notification on or before a rapid review meeting already recorded', async () => {
      const review = await newCase({
        becameAwareOn: '2025-12-10',
        notifiedOn: '2025-12-15',
        rapidReviewMeetingOn: '2026-01-05',
      })
      const problems = await problemsOf(
        recordNotification(database.db, at('2026-03-02'), review.id, {
          becameAwareOn: '2025-12-10',
          notifiedOn: '2026-01-06',
        }),
      )
      expect(problems.notifiedOn).toBe(
        'The notification date must be on or before the rapid review meeting (5 January 2026)',
      )
      const unset = await problemsOf(
        recordNotification(database.db, at('2026-03-02'), review.id, {
          becameAwareOn: '2025-12-10',
          notifiedOn: null,
        }),
      )
      expect(unset.notifiedOn).toBe('Enter the notification date: the rapid review meeting has been recorded')
      // The same day is allowed, and the correction is saved.
      const saved = await recordNotification(database.db, at('2026-03-02'), review.id, {
        becameAwareOn: '2025-12-10',
        notifiedOn: '2026-01-05',
      })
      expect(saved.notifiedOn).toBe('2026-01-05')
    })
  })

  describe('partners told', () => {
    it('lists the safeguarding partners only, and records each with its date', async () => {
      const review = await newCase({ becameAwareOn: '2022-09-13' })
      const partners = await safeguardingPartners(database.db, pid(), review.id, '2022-10-03')
      expect(partners.map((p) => p.name)).toEqual([
        'Testshire Council',
        'Testshire Integrated Care Board',
        'Testshire Police',
      ])
      const { police, health, school } = world.agencies
      const count = await recordPartnersTold(database.db, at('2022-10-03'), review.id, {
        agencyIds: [police.id, health.id],
        toldOn: '2022-09-14',
      })
      expect(count).toBe(2)
      const told = await safeguardingPartners(database.db, pid(), review.id, '2022-10-03')
      expect(told.find((p) => p.id === police.id)?.toldOn).toBe('2022-09-14')
      expect(told.find((p) => p.id === world.agencies.council.id)?.toldOn).toBeNull()

      // Telling the police again updates the date (one notice per partner), audited before/after.
      await recordPartnersTold(database.db, at('2022-10-03'), review.id, {
        agencyIds: [police.id],
        toldOn: '2022-09-15',
      })
      const notices = await database.db
        .select()
        .from(reviewPartnerNotices)
        .where(and(eq(reviewPartnerNotices.caseId, review.id), eq(reviewPartnerNotices.agencyId, police.id)))
      expect(notices).toHaveLength(1)
      expect(notices[0]!.toldOn).toBe('2022-09-15')
      const entries = await auditOf(notices[0]!.id, 'review.partner_told')
      expect(entries).toHaveLength(2)
      expect(entries.map((e) => e.before)).toContainEqual({ toldOn: '2022-09-14' })
      expect(entries[0]!.entityType).toBe('review_partner_notice')

      // A school is not a safeguarding partner.
      const school1 = await problemsOf(
        recordPartnersTold(database.db, at('2022-10-03'), review.id, {
          agencyIds: [school.id],
          toldOn: '2022-09-15',
        }),
      )
      expect(school1.agencyIds).toBe(incidentMessages.choosePartner)
    })

    it('refuses a date before awareness, in the future, or before awareness is known', async () => {
      const review = await newCase({ becameAwareOn: '2022-09-13' })
      const agencyIds = [world.agencies.police.id]
      const early = await problemsOf(
        recordPartnersTold(database.db, at('2022-10-03'), review.id, { agencyIds, toldOn: '2022-09-12' }),
      )
      expect(early.toldOn).toBe(
        'The date the partners were told must be on or after the date the local authority became aware (13 September 2022)',
      )
      const future = await problemsOf(
        recordPartnersTold(database.db, at('2022-10-03'), review.id, { agencyIds, toldOn: '2022-10-04' }),
      )
      expect(future.toldOn).toBe(
        'The date the partners were told must be today (3 October 2022) or in the past',
      )
      const none = await problemsOf(
        recordPartnersTold(database.db, at('2022-10-03'), review.id, { agencyIds: [], toldOn: '2022-09-14' }),
      )
      expect(none.agencyIds).toBe(incidentMessages.choosePartner)
      const unknown = await newCase()
      const first = await problemsOf(
        recordPartnersTold(database.db, at('2022-10-03'), unknown.id, { agencyIds, toldOn: '2022-09-14' }),
      )
      expect(first.toldOn).toBe(incidentMessages.awareFirst)
      expect(
        await database.db
          .select()
          .from(reviewPartnerNotices)
          .where(eq(reviewPartnerNotices.caseId, review.id)),
      ).toHaveLength(0)
    })

    it('keeps awareness on or before the first partner told', async () => {
      const review = await newCase({ becameAwareOn: '2022-09-13' })
      await recordPartnersTold(database.db, at('2022-10-03'), review.id, {
        agencyIds: [world.agencies.council.id],
        toldOn: '2022-09-13',
      })
      const problems = await problemsOf(
        recordNotification(database.db, at('2022-10-03'), review.id, {
          becameAwareOn: '2022-09-14',
          notifiedOn: null,
        }),
      )
      expect(problems.becameAwareOn).toBe(
        'The date the local authority became aware must be on or before the first date a partner was told (13 September 2022)',
      )
    })
  })

  describe('the rapid review', () => {
    it('is due 15 working days after a notification on 15 December 2025, across Christmas and New Year', () => {
      const fields = {
        procedure: 'wt2023',
        becameAwareOn: '2025-12-10',
        notifiedOn: '2025-12-15',
        rapidReviewCompletedOn: null,
        decision: null,
        decidedOn: null,
        publishedOn: null,
        closedOn: null,
      } as const
      const steps = caseDeadlines(fields, new Map(), rules, calendar, '2026-01-09')
      const step = steps.find((s) => s.key === 'rapid_review')!
      expect(step.due).toBe('2026-01-08')
      expect(step.explanation).toContain('15 December 2025 + 15 working days')
      expect(step.explanation).toContain('(25 December 2025)')
      expect(step.explanation).toContain('(26 December 2025)')
      expect(step.explanation).toContain('(1 January 2026)')
      expect(step).toMatchObject({ timeliness: 'overdue', lateBy: 1 })
      const done = caseDeadlines(
        { ...fields, rapidReviewCompletedOn: '2026-01-08' },
        new Map(),
        rules,
        calendar,
        '2026-01-09',
      )
      expect(done.find((s) => s.key === 'rapid_review')?.timeliness).toBe('on_time')
    })

    it('records the meeting, completion, conclusions and the national panel’s response, audited', async () => {
      const review = await newCase({ becameAwareOn: '2025-12-10', notifiedOn: '2025-12-15' })
      await recordRapidReview(database.db, at('2026-03-02'), review.id, {
        rapidReviewMeetingOn: '2026-01-06',
        rapidReviewCompletedOn: '2026-01-08',
        rapidReviewConclusions: 'Learning about information sharing between health and the police.',
        panelResponse: 'The panel agrees with a local review.',
        panelResponseOn: '2026-02-02',
      })
      expect(await reload(review.id)).toMatchObject({
        rapidReviewMeetingOn: '2026-01-06',
        rapidReviewCompletedOn: '2026-01-08',
        panelResponseOn: '2026-02-02',
      })
      const [entry] = await auditOf(review.id, 'review.rapid_review_recorded')
      expect(entry?.before).toMatchObject({ rapidReviewCompletedOn: null })
      expect(entry?.after).toMatchObject({ rapidReviewCompletedOn: '2026-01-08' })
    })

    it('refuses a completion before the notification or in the future, and a response before the completion', async () => {
      const review = await newCase({ becameAwareOn: '2025-12-10', notifiedOn: '2025-12-15' })
      const blank = {
        rapidReviewMeetingOn: null,
        rapidReviewConclusions: '',
        panelResponse: '',
        panelResponseOn: null,
      }
      const early = await problemsOf(
        recordRapidReview(database.db, at('2026-03-02'), review.id, {
          ...blank,
          rapidReviewCompletedOn: '2025-12-12',
        }),
      )
      expect(early.rapidReviewCompletedOn).toBe(
        'The date the rapid review was completed must be on or after the notification date (15 December 2025)',
      )
      const future = await problemsOf(
        recordRapidReview(database.db, at('2026-03-02'), review.id, {
          ...blank,
          rapidReviewCompletedOn: '2026-03-03',
        }),
      )
      expect(future.rapidReviewCompletedOn).toBe(
        'The date the rapid review was completed must be today (2 March 2026) or in the past',
      )
      const response = await problemsOf(
        recordRapidReview(database.db, at('2026-03-02'), review.id, {
          ...blank,
          rapidReviewCompletedOn: '2026-01-08',
          panelResponse: 'Agreed',
          panelResponseOn: '2026-01-07',
        }),
      )
      expect(response.panelResponseOn).toBe(
        'The date of the national panel’s response must be on or after the rapid review’s completion (8 January 2026)',
      )
      const unnotified = await newCase({ becameAwareOn: '2025-12-10' })
      const first = await problemsOf(
        recordRapidReview(database.db, at('2026-03-02'), unnotified.id, {
          ...blank,
          rapidReviewCompletedOn: '2026-01-08',
        }),
      )
      expect(first.rapidReviewCompletedOn).toBe(incidentMessages.notifiedFirst)
      expect((await reload(review.id)).rapidReviewCompletedOn).toBeNull()
      expect(await auditOf(review.id, 'review.rapid_review_recorded')).toHaveLength(0)
    })
  })

  describe('the rapid review meeting', () => {
    it('is refused in the future, before the notification or after the completion, saving nothing', async () => {
      const review = await newCase({ becameAwareOn: '2025-12-10', notifiedOn: '2025-12-15' })
      const blank = { rapidReviewConclusions: 'Typed', panelResponse: '', panelResponseOn: null }
      const meet = (id: string, rapidReviewMeetingOn: string, rapidReviewCompletedOn: string | null) =>
        recordRapidReview(database.db, at('2026-03-02'), id, {
          ...blank,
          rapidReviewMeetingOn,
          rapidReviewCompletedOn,
        })
      expect((await problemsOf(meet(review.id, '2026-03-03', null))).rapidReviewMeetingOn).toBe(
        'The date of the rapid review meeting must be today (2 March 2026) or in the past',
      )
      expect((await problemsOf(meet(review.id, '2025-12-12', '2026-01-08'))).rapidReviewMeetingOn).toBe(
        'The date of the rapid review meeting must be on or after the notification date (15 December 2025)',
      )
      expect((await problemsOf(meet(review.id, '2026-01-09', '2026-01-08'))).rapidReviewMeetingOn).toBe(
        'The date of the rapid review meeting must be on or before the rapid review’s completion (8 January 2026)',
      )
      const unnotified = await newCase({ becameAwareOn: '2025-12-10' })
      expect((await problemsOf(meet(unnotified.id, '2026-01-06', null))).rapidReviewMeetingOn).toBe(
        incidentMessages.notifiedFirst,
      )
      for (const id of [review.id, unnotified.id]) {
        expect(await reload(id)).toMatchObject({
          rapidReviewMeetingOn: null,
          rapidReviewCompletedOn: null,
          rapidReviewConclusions: null,
        })
        expect(await auditOf(id, 'review.rapid_review_recorded')).toHaveLength(0)
      }
      // On the notification day, or on the day it was completed, is fine; so is a meeting not yet completed.
      await meet(review.id, '2025-12-15', null)
      await meet(review.id, '2026-01-08', '2026-01-08')
      expect(await reload(review.id)).toMatchObject({
        rapidReviewMeetingOn: '2026-01-08',
        rapidReviewCompletedOn: '2026-01-08',
      })
    })
  })

  describe('agency information', () => {
    it('is due 5 working days after the request by default, across Easter 2026', async () => {
      const due = informationDue(rules, '2026-04-01', calendar)
      expect(due.date).toBe('2026-04-10')
      expect(due.explanation).toContain('(3 April 2026)')
      expect(due.explanation).toContain('(6 April 2026)')

      const review = await newCase({ becameAwareOn: '2026-03-25', notifiedOn: '2026-03-27' })
      const request = await requestInformation(database.db, at('2026-04-20'), review.id, {
        agencyId: world.agencies.school.id,
        requestedOn: '2026-04-01',
        dueOn: null,
      })
      expect(request.dueOn).toBe('2026-04-10')
      const [entry] = await auditOf(request.id, 'review.information_requested')
      expect(entry?.entityType).toBe('review_information_request')
      expect(entry?.after).toMatchObject({ dueOn: '2026-04-10', defaultDue: true })

      // Received after Easter, on the Monday after it was due: late by one working day.
      await markInformationReceived(database.db, at('2026-04-20'), review.id, request.id, '2026-04-13')
      const [row] = await informationRequestsOf(database.db, review.id, '2026-04-20', calendar)
      expect(row).toMatchObject({
        agencyName: 'Testshire Academy',
        receivedOn: '2026-04-13',
        timeliness: 'late',
        lateBy: 1,
      })
      expect(await auditOf(request.id, 'review.information_received')).toHaveLength(1)
    })

    it('takes a typed due date not before the request, and asks each agency once', async () => {
      const review = await newCase({ becameAwareOn: '2026-03-25', notifiedOn: '2026-03-27' })
      const early = await problemsOf(
        requestInformation(database.db, at('2026-04-20'), review.id, {
          agencyId: world.agencies.police.id,
          requestedOn: '2026-04-01',
          dueOn: '2026-03-31',
        }),
      )
      expect(early.dueOn).toBe(
        'The date the information is due must be on or after the date it was requested (1 April 2026)',
      )
      const future = await problemsOf(
        requestInformation(database.db, at('2026-04-20'), review.id, {
          agencyId: world.agencies.police.id,
          requestedOn: '2026-04-21',
          dueOn: null,
        }),
      )
      expect(future.requestedOn).toBe(
        'The date the information was requested must be today (20 April 2026) or in the past',
      )
      const request = await requestInformation(database.db, at('2026-04-20'), review.id, {
        agencyId: world.agencies.police.id,
        requestedOn: '2026-04-01',
        dueOn: '2026-04-15',
      })
      expect(request.dueOn).toBe('2026-04-15')
      const twice = await problemsOf(
        requestInformation(database.db, at('2026-04-20'), review.id, {
          agencyId: world.agencies.police.id,
          requestedOn: '2026-04-02',
          dueOn: null,
        }),
      )
      expect(twice.agencyId).toBe(
        'Testshire Police has already been asked for information for this case: mark its information as received instead',
      )
      const rows = await database.db
        .select()
        .from(reviewInformationRequests)
        .where(eq(reviewInformationRequests.caseId, review.id))
      expect(rows).toHaveLength(1)
      const [open] = await informationRequestsOf(database.db, review.id, '2026-04-20', calendar)
      expect(open).toMatchObject({ timeliness: 'overdue', lateBy: 3 })
    })

    it('refuses a received date before the request or in the future', async () => {
      const review = await newCase({ becameAwareOn: '2026-03-25', notifiedOn: '2026-03-27' })
      const request = await requestInformation(database.db, at('2026-04-20'), review.id, {
        agencyId: world.agencies.health.id,
        requestedOn: '2026-04-01',
        dueOn: null,
      })
      const early = await problemsOf(
        markInformationReceived(database.db, at('2026-04-20'), review.id, request.id, '2026-03-31'),
      )
      expect(early.receivedOn).toBe(
        'The date the information was received must be on or after the date it was requested (1 April 2026)',
      )
      const future = await problemsOf(
        markInformationReceived(database.db, at('2026-04-20'), review.id, request.id, '2026-04-21'),
      )
      expect(future.receivedOn).toBe(
        'The date the information was received must be today (20 April 2026) or in the past',
      )
      const [row] = await informationRequestsOf(database.db, review.id, '2026-04-20', calendar)
      expect(row?.receivedOn).toBeNull()
    })
  })
})
