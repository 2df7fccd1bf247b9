import { randomUUID } from 'node:crypto'
import { and, desc, eq, isNull, sql } from 'drizzle-orm'
import { recordAudit } from '../../platform/audit/audit.service.ts'
import { partnershipRoles, users } from '../../platform/auth/auth.table.ts'
import { addMonths, formatDate } from '../../platform/calendar/calendar.ts'
import { toUtcMs } from '../../platform/calendar/dates.ts'
import { type Db, type DbOrTx, queryRows } from '../../platform/db/client.ts'
import type { Job } from '../../platform/jobs/jobs.ts'
import type { Outbox } from '../../platform/notify/notify.service.ts'
import { outbox } from '../../platform/notify/notify.table.ts'
import { londonDay, throwIfAny } from './agencies.problems.ts'
import { createAgencyRepository } from './agencies.repository.ts'
import { agencyReviews } from './structure.table.ts'

export type ReviewDecision = 'kept' | 'changed' | 'added' | 'removed'
export interface ReviewOutcome {
  agency: string
  decision: ReviewDecision
  reason: string
}

export const decisionLabels: Record<ReviewDecision, string> = {
  kept: 'Kept',
  changed: 'Changed',
  added: 'Added',
  removed: 'Removed',
}

export type ReviewStatus = 'overdue' | 'due_soon' | 'on_track'
export interface ReviewDue {
  dueOn: string
  overdue: boolean
  /** Negative once overdue. */
  daysLeft: number
  status: ReviewStatus
  /** No review yet: the first is due a year after the first agency was recorded. */
  first: boolean
}

/** A review is "due soon" (and the administrators are told) this many days before it is due. */
export const DUE_SOON_DAYS = 30
const DAY_MS = 86_400_000

/** Due status follows from the dates, never stored. */
export function dueStatus(dueOn: string, today: string, first = false): ReviewDue {
  const daysLeft = Math.round((toUtcMs(dueOn) - toUtcMs(today)) / DAY_MS)
  const status: ReviewStatus = daysLeft < 0 ? 'overdue' : daysLeft <= DUE_SOON_DAYS ? 'due_soon' : 'on_track'
  return { dueOn, overdue: daysLeft < 0, daysLeft, status, first }
}

/** When the next yearly review is due, or null while the partnership has no agencies and no review. */
export async function reviewDue(db: DbOrTx, partnershipId: string, today: string): Promise<ReviewDue | null> {
  const [latest] = await db
    .select({ nextDueOn: agencyReviews.nextDueOn })
    .from(agencyReviews)
    .where(eq(agencyReviews.partnershipId, partnershipId))
    .orderBy(desc(agencyReviews.reviewedOn), desc(agencyReviews.createdAt))
    .limit(1)
  if (latest) return dueStatus(latest.nextDueOn, today)
  const first = await createAgencyRepository(db).firstCreatedAt(partnershipId)
  return first ? dueStatus(addMonths(londonDay(first), 12), today, true) : null
}

export function listAgencyReviews(db: Db, partnershipId: string) {
  return db
    .select({
      id: agencyReviews.id,
      reviewedOn: agencyReviews.reviewedOn,
      nextDueOn: agencyReviews.nextDueOn,
      outcomes: agencyReviews.outcomes,
      recordedByName: users.name,
      createdAt: agencyReviews.createdAt,
    })
    .from(agencyReviews)
    .leftJoin(users, eq(users.id, agencyReviews.recordedBy))
    .where(eq(agencyReviews.partnershipId, partnershipId))
    .orderBy(desc(agencyReviews.reviewedOn), desc(agencyReviews.createdAt))
}

/** Records the yearly review of relevant agencies; the next is due 12 months after it. */
export async function recordAgencyReview(
  db: Db,
  input: {
    partnershipId: string
    reviewedOn: string
    outcomes: ReviewOutcome[]
    actorId: string | null
    now: Date
    requestId?: string
  },
) {
  const outcomes = input.outcomes.map((o) => ({ ...o, agency: o.agency.trim(), reason: o.reason.trim() }))
  const problems: Record<string, string> = {}
  if (input.reviewedOn > londonDay(input.now))
    problems.reviewedOn = 'The date of the review must be today or in the past'
  if (outcomes.length === 0) problems.outcomes = 'Record a decision for at least one agency'
  else if (outcomes.some((o) => !o.agency)) problems.outcomes = 'Every decision must name its agency'
  else if (outcomes.some((o) => o.decision !== 'kept' && !o.reason))
    problems.outcomes = 'Give a reason for every agency changed, added or removed'
  throwIfAny(problems)
  const review = {
    id: randomUUID(),
    partnershipId: input.partnershipId,
    reviewedOn: input.reviewedOn,
    nextDueOn: addMonths(input.reviewedOn, 12),
    outcomes,
    recordedBy: input.actorId,
    createdAt: input.now,
  }
  await db.transaction(async (tx) => {
    await tx.insert(agencyReviews).values(review)
    await recordAudit(
      tx,
      {
        partnershipId: input.partnershipId,
        actorId: input.actorId,
        entityType: 'agency_review',
        entityId: review.id,
        action: 'create',
        after: { reviewedOn: review.reviewedOn, nextDueOn: review.nextDueOn, outcomes },
        requestId: input.requestId,
      },
      input.now,
    )
  })
  return review
}

export interface ReminderDeps {
  outbox: Pick<Outbox, 'enqueue'>
  /** For the link in the e-mail. */
  publicUrl: string
}

/** Every morning: tells each partnership's administrators, once per due date, that the review is coming or late. */
export function agencyReviewReminderJob(deps: ReminderDeps): Job {
  return {
    name: 'agency-review-reminder',
    schedule: '0 7 * * *',
    async run({ db, now, log }) {
      const sent = await sendAgencyReviewReminders(db, deps, now())
      if (sent > 0) log.info({ partnerships: sent }, 'agency review reminders sent')
    },
  }
}

/** Answers how many partnerships were reminded. */
export async function sendAgencyReviewReminders(db: Db, deps: ReminderDeps, now: Date): Promise<number> {
  const today = londonDay(now)
  // One query for every partnership's latest review and first agency, not one per partnership.
  const rows = await queryRows<{
    id: string
    slug: string
    name: string
    next_due_on: string | null
    first_agency_at: string | Date | null
  }>(
    db,
    sql`select p.id, p.slug, p.name,
      (select r.next_due_on::text from agency_reviews r where r.partnership_id = p.id
        order by r.reviewed_on desc, r.created_at desc limit 1) as next_due_on,
      (select min(a.created_at) from agencies a where a.partnership_id = p.id) as first_agency_at
    from partnerships p`,
  )
  let reminded = 0
  for (const row of rows) {
    const due = row.next_due_on
      ? dueStatus(row.next_due_on, today)
      : row.first_agency_at
        ? dueStatus(addMonths(londonDay(new Date(row.first_agency_at)), 12), today, true)
        : null
    if (!due || due.status === 'on_track') continue
    if (await remind(db, deps, row, due, now)) reminded++
  }
  return reminded
}

async function remind(
  db: Db,
  deps: ReminderDeps,
  partnership: { id: string; slug: string; name: string },
  due: ReviewDue,
  now: Date,
): Promise<boolean> {
  // The same subject for the same due date, whether the review is due soon or already late: the
  // outbox is the record that this due date has been announced.
  const subject = `Review of relevant agencies due ${formatDate(due.dueOn)}`
  return db.transaction(async (tx) => {
    const [already] = await tx
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(eq(outbox.partnershipId, partnership.id), eq(outbox.subject, subject)))
      .limit(1)
    if (already) return false
    const administrators = await tx
      .select({ name: users.name, email: users.email })
      .from(partnershipRoles)
      .innerJoin(users, eq(users.id, partnershipRoles.userId))
      .where(
        and(
          eq(partnershipRoles.partnershipId, partnership.id),
          eq(partnershipRoles.role, 'administrator'),
          isNull(partnershipRoles.deactivatedAt),
          isNull(users.deactivatedAt),
        ),
      )
    if (administrators.length === 0) return false
    const when = due.overdue
      ? `It was due on ${formatDate(due.dueOn)} and is ${-due.daysLeft} ${due.daysLeft === -1 ? 'day' : 'days'} late.`
      : `It is due on ${formatDate(due.dueOn)}, in ${due.daysLeft} ${due.daysLeft === 1 ? 'day' : 'days'}.`
    const link = `${deps.publicUrl.replace(/\/$/, '')}/p/${partnership.slug}/agencies/reviews`
    for (const person of administrators) {
      await deps.outbox.enqueue(tx, {
        partnershipId: partnership.id,
        to: person.email,
        subject,
        text: [
          `Dear ${person.name},`,
          '',
          `The yearly review of the relevant agencies of ${partnership.name} is ${due.overdue ? 'overdue' : 'due soon'}.`,
          when,
          '',
          'Record which agencies were kept, changed, added or removed, and why:',
          link,
        ].join('\n'),
      })
    }
    await recordAudit(
      tx,
      {
        partnershipId: partnership.id,
        entityType: 'agency_review',
        entityId: `reminder:${due.dueOn}`,
        action: 'remind',
        after: { dueOn: due.dueOn, to: administrators.map((a) => a.email) },
      },
      now,
    )
    return true
  })
}
