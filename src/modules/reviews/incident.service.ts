import { randomUUID } from 'node:crypto'
import { and, asc, eq, gte, isNotNull, isNull, or } from 'drizzle-orm'
import { auditChange, type ChangeContext, fieldChanges } from '../../platform/audit/audit.service.ts'
import { createCalendarRepository } from '../../platform/calendar/calendar.repository.ts'
import { formatDate, type WorkingCalendar } from '../../platform/calendar/calendar.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import { appError, notFound } from '../../platform/http/errors.ts'
import type { RuleSet } from '../../platform/rules/rules.definitions.ts'
import { computeDeadline, type Deadline, getRuleSet } from '../../platform/rules/rules.service.ts'
import { FieldProblems, isUniqueViolation, throwIfAny } from '../partnership/agencies.problems.ts'
import { agencies } from '../partnership/structure.table.ts'
import { futureProblem } from './reviews.dates.ts'
import { lockedCase } from './reviews.repository.ts'
import { dayTimeliness } from './reviews.rules.ts'
import {
  type ReviewCase,
  type ReviewInformationRequest,
  reviewCases,
  reviewInformationRequests,
  reviewPartnerNotices,
} from './reviews.table.ts'

// The serious incident notification and the rapid review of a Working Together 2023 case: when
// the local authority became aware and notified the national panel, which safeguarding partners
// were told, the information asked of each agency (each with its own deadline), and the rapid
// review itself. A Serious Case Review handed over under the 2015 procedure has none of these.

export const TEXT_MAX = 10000

export const incidentMessages = {
  notWt2023:
    'A Serious Case Review handed over under the 2015 procedure has no incident notification or rapid review',
  awareFirst: 'Record the date the local authority became aware first',
  notifiedFirst: 'Record the date the national panel was notified first',
  completedFirst: 'Record the date the rapid review was completed first',
  choosePartner: 'Select the partners who were told',
  chooseAgency: 'Select the agency asked for information',
  received: 'This information has already been marked as received',
}

function requireWt2023(review: ReviewCase) {
  if (review.procedure !== 'wt2023') throw appError('not_applicable', incidentMessages.notWt2023, 409)
}

export interface NotificationFields {
  becameAwareOn: string
  notifiedOn: string | null
}

/**
 * Records or corrects when the local authority became aware and when it notified the national
 * panel. The notification cannot come before awareness, neither date can be in the future, and a
 * correction may not undo what later steps rest on (partners told, the rapid review).
 */
export async function recordNotification(
  db: Db,
  change: ChangeContext,
  caseId: string,
  input: NotificationFields,
) {
  const today = londonDate(change.now)
  return db.transaction(async (tx) => {
    const review = await lockedCase(tx, change.partnershipId, caseId)
    requireWt2023(review)
    const problems: Record<string, string> = {}
    const aware = input.becameAwareOn
    const notified = input.notifiedOn
    const awareFuture = futureProblem(aware, today, 'the date the local authority became aware')
    if (awareFuture) problems.becameAwareOn = awareFuture
    const notifiedFuture = futureProblem(notified, today, 'the notification date')
    if (notifiedFuture) problems.notifiedOn = notifiedFuture
    else if (notified && notified < aware) {
      problems.notifiedOn = `The notification date must be on or after the date the local authority became aware (${formatDate(aware)})`
    }
    if (!problems.becameAwareOn) {
      const [earliest] = await tx
        .select({ toldOn: reviewPartnerNotices.toldOn })
        .from(reviewPartnerNotices)
        .where(eq(reviewPartnerNotices.caseId, review.id))
        .orderBy(asc(reviewPartnerNotices.toldOn))
        .limit(1)
      if (earliest && earliest.toldOn < aware) {
        problems.becameAwareOn = `The date the local authority became aware must be on or before the first date a partner was told (${formatDate(earliest.toldOn)})`
      }
    }
    if (!problems.notifiedOn && review.rapidReviewCompletedOn) {
      if (!notified) {
        problems.notifiedOn = 'Enter the notification date: the rapid review has been completed'
      } else if (notified > review.rapidReviewCompletedOn) {
        problems.notifiedOn = `The notification date must be on or before the rapid review’s completion (${formatDate(review.rapidReviewCompletedOn)})`
      }
    }
    // The rapid review meeting, like its completion, comes after the notification.
    if (!problems.notifiedOn && review.rapidReviewMeetingOn) {
      if (!notified) {
        problems.notifiedOn = 'Enter the notification date: the rapid review meeting has been recorded'
      } else if (notified > review.rapidReviewMeetingOn) {
        problems.notifiedOn = `The notification date must be on or before the rapid review meeting (${formatDate(review.rapidReviewMeetingOn)})`
      }
    }
    throwIfAny(problems)
    const after = { becameAwareOn: aware, notifiedOn: notified }
    const diff = fieldChanges(review, after, ['becameAwareOn', 'notifiedOn'])
    if (diff.changed.length === 0) return review
    const [saved] = await tx.update(reviewCases).set(after).where(eq(reviewCases.id, review.id)).returning()
    await auditChange(
      tx,
      change,
      { type: 'review_case', id: review.id },
      'review.notified',
      diff.before,
      diff.after,
    )
    return saved!
  })
}

/** The partnership's safeguarding partners (agencies with a statutory role), current or already told. */
export async function safeguardingPartners(db: DbOrTx, partnershipId: string, caseId: string, today: string) {
  return db
    .select({ id: agencies.id, name: agencies.name, toldOn: reviewPartnerNotices.toldOn })
    .from(agencies)
    .leftJoin(
      reviewPartnerNotices,
      and(eq(reviewPartnerNotices.agencyId, agencies.id), eq(reviewPartnerNotices.caseId, caseId)),
    )
    .where(
      and(
        eq(agencies.partnershipId, partnershipId),
        isNotNull(agencies.statutoryRole),
        or(isNull(agencies.activeTo), gte(agencies.activeTo, today), isNotNull(reviewPartnerNotices.id)),
      ),
    )
    .orderBy(asc(agencies.name))
}

/**
 * Records that safeguarding partners were told, on one date (on or after awareness, not in the
 * future). Telling a partner again updates its date, so a resubmitted form does no harm.
 */
export async function recordPartnersTold(
  db: Db,
  change: ChangeContext,
  caseId: string,
  input: { agencyIds: string[]; toldOn: string },
) {
  const today = londonDate(change.now)
  return db.transaction(async (tx) => {
    const review = await lockedCase(tx, change.partnershipId, caseId)
    requireWt2023(review)
    const problems: Record<string, string> = {}
    const partners = await safeguardingPartners(tx, change.partnershipId, review.id, today)
    const known = new Map(partners.map((p) => [p.id, p]))
    const chosen = [...new Set(input.agencyIds)]
    if (chosen.length === 0 || chosen.some((id) => !known.has(id)))
      problems.agencyIds = incidentMessages.choosePartner
    const future = futureProblem(input.toldOn, today, 'the date the partners were told')
    if (future) problems.toldOn = future
    else if (!review.becameAwareOn) problems.toldOn = incidentMessages.awareFirst
    else if (input.toldOn < review.becameAwareOn) {
      problems.toldOn = `The date the partners were told must be on or after the date the local authority became aware (${formatDate(review.becameAwareOn)})`
    }
    throwIfAny(problems)
    let changed = 0
    for (const agencyId of chosen) {
      const partner = known.get(agencyId)!
      if (partner.toldOn === input.toldOn) continue
      const [notice] = await tx
        .insert(reviewPartnerNotices)
        .values({
          id: randomUUID(),
          partnershipId: change.partnershipId,
          caseId: review.id,
          agencyId,
          toldOn: input.toldOn,
          createdAt: change.now,
        })
        .onConflictDoUpdate({
          target: [reviewPartnerNotices.caseId, reviewPartnerNotices.agencyId],
          set: { toldOn: input.toldOn },
        })
        .returning()
      await auditChange(
        tx,
        change,
        { type: 'review_partner_notice', id: notice!.id },
        'review.partner_told',
        partner.toldOn ? { toldOn: partner.toldOn } : null,
        { caseId: review.id, agencyId, agency: partner.name, toldOn: input.toldOn },
      )
      changed++
    }
    return changed
  })
}

/** The default deadline for an agency's information: the request date + agencyInformationWithin. */
export function informationDue(rules: RuleSet, requestedOn: string, calendar: WorkingCalendar): Deadline {
  return computeDeadline(rules, 'agencyInformationWithin', requestedOn, calendar)
}

/** Agencies that may be asked for information: the partnership's current ones. */
export async function requestableAgencies(db: DbOrTx, partnershipId: string, today: string) {
  return db
    .select({ id: agencies.id, name: agencies.name })
    .from(agencies)
    .where(
      and(
        eq(agencies.partnershipId, partnershipId),
        or(isNull(agencies.activeTo), gte(agencies.activeTo, today)),
      ),
    )
    .orderBy(asc(agencies.name))
}

export interface InformationRequestFields {
  agencyId: string
  requestedOn: string
  /** Null: the default (agencyInformationWithin working days after the request). */
  dueOn: string | null
}

/**
 * Asks an agency for its information (once per case and agency), with its own deadline: the one
 * typed (not before the request) or the rule's default.
 */
export async function requestInformation(
  db: Db,
  change: ChangeContext,
  caseId: string,
  input: InformationRequestFields,
): Promise<ReviewInformationRequest> {
  const today = londonDate(change.now)
  try {
    return await db.transaction(async (tx) => {
      const review = await lockedCase(tx, change.partnershipId, caseId)
      requireWt2023(review)
      const problems: Record<string, string> = {}
      const [agency] = (await requestableAgencies(tx, change.partnershipId, today)).filter(
        (a) => a.id === input.agencyId,
      )
      if (!agency) problems.agencyId = incidentMessages.chooseAgency
      const future = futureProblem(input.requestedOn, today, 'the date the information was requested')
      if (future) problems.requestedOn = future
      else if (input.dueOn && input.dueOn < input.requestedOn) {
        problems.dueOn = `The date the information is due must be on or after the date it was requested (${formatDate(input.requestedOn)})`
      }
      if (agency && !problems.agencyId) {
        const [already] = await tx
          .select({ id: reviewInformationRequests.id })
          .from(reviewInformationRequests)
          .where(
            and(
              eq(reviewInformationRequests.caseId, review.id),
              eq(reviewInformationRequests.agencyId, agency.id),
            ),
          )
        if (already) problems.agencyId = alreadyAsked(agency.name)
      }
      throwIfAny(problems)
      let dueOn = input.dueOn
      if (!dueOn) {
        const [rules, calendar] = await Promise.all([
          getRuleSet(tx, change.partnershipId),
          createCalendarRepository(tx).calendarFor(change.partnershipId),
        ])
        dueOn = informationDue(rules, input.requestedOn, calendar).date
      }
      const [row] = await tx
        .insert(reviewInformationRequests)
        .values({
          id: randomUUID(),
          partnershipId: change.partnershipId,
          caseId: review.id,
          agencyId: agency!.id,
          requestedOn: input.requestedOn,
          dueOn,
          createdAt: change.now,
        })
        .returning()
      await auditChange(
        tx,
        change,
        { type: 'review_information_request', id: row!.id },
        'review.information_requested',
        null,
        {
          caseId: review.id,
          agencyId: agency!.id,
          agency: agency!.name,
          requestedOn: input.requestedOn,
          dueOn,
          defaultDue: input.dueOn === null,
        },
      )
      return row!
    })
  } catch (error) {
    // Two requests at once for the same agency: the unique index refuses the second.
    if (isUniqueViolation(error, 'review_information_requests_case_agency_idx')) {
      throw new FieldProblems({ agencyId: alreadyAsked('This agency') })
    }
    throw error
  }
}

const alreadyAsked = (agency: string) =>
  `${agency} has already been asked for information for this case: mark its information as received instead`

/** Marks an agency's information received (on or after the request, not in the future). */
export async function markInformationReceived(
  db: Db,
  change: ChangeContext,
  caseId: string,
  requestId: string,
  receivedOn: string,
) {
  const today = londonDate(change.now)
  return db.transaction(async (tx) => {
    const review = await lockedCase(tx, change.partnershipId, caseId)
    requireWt2023(review)
    const [request] = await tx
      .select()
      .from(reviewInformationRequests)
      .where(
        and(eq(reviewInformationRequests.id, requestId), eq(reviewInformationRequests.caseId, review.id)),
      )
      .for('update')
    if (!request) throw notFound()
    if (request.receivedOn === receivedOn) return request
    const problems: Record<string, string> = {}
    const future = futureProblem(receivedOn, today, 'the date the information was received')
    if (future) problems.receivedOn = future
    else if (receivedOn < request.requestedOn) {
      problems.receivedOn = `The date the information was received must be on or after the date it was requested (${formatDate(request.requestedOn)})`
    }
    throwIfAny(problems)
    const [saved] = await tx
      .update(reviewInformationRequests)
      .set({ receivedOn })
      .where(eq(reviewInformationRequests.id, request.id))
      .returning()
    await auditChange(
      tx,
      change,
      { type: 'review_information_request', id: request.id },
      'review.information_received',
      { receivedOn: request.receivedOn },
      { caseId: review.id, receivedOn },
    )
    return saved!
  })
}

/** A case's information requests with their agency and where each stands today. */
export async function informationRequestsOf(
  db: DbOrTx,
  caseId: string,
  today: string,
  calendar: WorkingCalendar,
) {
  const rows = await db
    .select({ request: reviewInformationRequests, agencyName: agencies.name })
    .from(reviewInformationRequests)
    .innerJoin(agencies, eq(agencies.id, reviewInformationRequests.agencyId))
    .where(eq(reviewInformationRequests.caseId, caseId))
    .orderBy(asc(reviewInformationRequests.dueOn), asc(agencies.name))
  return rows.map(({ request, agencyName }) => ({
    ...request,
    agencyName,
    ...dayTimeliness(request.dueOn, request.receivedOn, today, calendar),
  }))
}

export interface RapidReviewFields {
  rapidReviewMeetingOn: string | null
  rapidReviewCompletedOn: string | null
  rapidReviewConclusions: string
  panelResponse: string
  panelResponseOn: string | null
}

/**
 * Records the rapid review: its meeting (not in the future, not before the notification, not after
 * the completion), its completion (not before the notification, not in the future, not after a
 * decision already taken), its conclusions, and the national panel's
 * response with its date (not before the completion, not in the future).
 */
export async function recordRapidReview(
  db: Db,
  change: ChangeContext,
  caseId: string,
  input: RapidReviewFields,
) {
  const today = londonDate(change.now)
  return db.transaction(async (tx) => {
    const review = await lockedCase(tx, change.partnershipId, caseId)
    requireWt2023(review)
    const problems: Record<string, string> = {}
    const completed = input.rapidReviewCompletedOn
    const meeting = input.rapidReviewMeetingOn
    const meetingFuture = futureProblem(meeting, today, 'the date of the rapid review meeting')
    if (meetingFuture) problems.rapidReviewMeetingOn = meetingFuture
    else if (meeting && !review.notifiedOn) problems.rapidReviewMeetingOn = incidentMessages.notifiedFirst
    else if (meeting && review.notifiedOn && meeting < review.notifiedOn) {
      problems.rapidReviewMeetingOn = `The date of the rapid review meeting must be on or after the notification date (${formatDate(review.notifiedOn)})`
    } else if (meeting && completed && meeting > completed) {
      problems.rapidReviewMeetingOn = `The date of the rapid review meeting must be on or before the rapid review’s completion (${formatDate(completed)})`
    }
    const completedFuture = futureProblem(completed, today, 'the date the rapid review was completed')
    if (completedFuture) problems.rapidReviewCompletedOn = completedFuture
    else if (completed && !review.notifiedOn) problems.rapidReviewCompletedOn = incidentMessages.notifiedFirst
    else if (completed && review.notifiedOn && completed < review.notifiedOn) {
      problems.rapidReviewCompletedOn = `The date the rapid review was completed must be on or after the notification date (${formatDate(review.notifiedOn)})`
    } else if (review.decision && review.decidedOn) {
      if (!completed) {
        problems.rapidReviewCompletedOn =
          'Enter the date the rapid review was completed: the partners have decided'
      } else if (completed > review.decidedOn) {
        problems.rapidReviewCompletedOn = `The date the rapid review was completed must be on or before the partners’ decision (${formatDate(review.decidedOn)})`
      }
    }
    const responseOn = input.panelResponseOn
    const responseFuture = futureProblem(responseOn, today, 'the date of the national panel’s response')
    if (responseFuture) problems.panelResponseOn = responseFuture
    else if (responseOn && !completed) problems.panelResponseOn = incidentMessages.completedFirst
    else if (responseOn && completed && responseOn < completed) {
      problems.panelResponseOn = `The date of the national panel’s response must be on or after the rapid review’s completion (${formatDate(completed)})`
    }
    if (input.panelResponse && !responseOn && !problems.panelResponseOn) {
      problems.panelResponseOn = 'Enter the date of the national panel’s response'
    }
    if (input.rapidReviewConclusions.length > TEXT_MAX) {
      problems.rapidReviewConclusions = 'The conclusions must be 10,000 characters or fewer'
    }
    if (input.panelResponse.length > TEXT_MAX) {
      problems.panelResponse = 'The national panel’s response must be 10,000 characters or fewer'
    }
    throwIfAny(problems)
    const after = {
      rapidReviewMeetingOn: input.rapidReviewMeetingOn,
      rapidReviewCompletedOn: completed,
      rapidReviewConclusions: input.rapidReviewConclusions || null,
      panelResponse: input.panelResponse || null,
      panelResponseOn: responseOn,
    }
    const diff = fieldChanges(review, after, [
      'rapidReviewMeetingOn',
      'rapidReviewCompletedOn',
      'rapidReviewConclusions',
      'panelResponse',
      'panelResponseOn',
    ])
    if (diff.changed.length === 0) return review
    const [saved] = await tx.update(reviewCases).set(after).where(eq(reviewCases.id, review.id)).returning()
    await auditChange(
      tx,
      change,
      { type: 'review_case', id: review.id },
      'review.rapid_review_recorded',
      diff.before,
      diff.after,
    )
    return saved!
  })
}
