import { randomUUID } from 'node:crypto'
import { and, asc, eq, gt, isNull, type SQL, sql } from 'drizzle-orm'
import { auditChange, type ChangeContext } from '../../platform/audit/audit.service.ts'
import { partnershipRoles, users } from '../../platform/auth/auth.table.ts'
import { formatDate } from '../../platform/calendar/dates.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import { appError } from '../../platform/http/errors.ts'
import { type Notice, sendNotices } from '../../platform/notify/notices.ts'
import type { Outbox } from '../../platform/notify/notify.service.ts'
import { FieldProblems } from '../partnership/agencies.problems.ts'
import { agencies, groups } from '../partnership/structure.table.ts'
import {
  DUPLICATE_WINDOW_MS,
  decisionOf,
  laterMeetingsOf,
  lockDecisions,
  meetingOf,
} from './decisions.service.ts'
import { type Decision, type DecisionObjection, decisionObjections, decisions } from './decisions.table.ts'
import { inviteesOn } from './invitees.ts'
import { isUuid } from './meetings.access.ts'
import { meetingTitle } from './meetings.labels.ts'

// A partner agency's written objection to a decision, and the reconsideration that follows it.

export const duplicateObjectionMessage = 'This objection has already been recorded'

/** Why no objection can be recorded against the decision, or null when one can. */
export function objectionClosedReason(decision: Pick<Decision, 'outcome' | 'withdrawnAt'>): string | null {
  if (decision.withdrawnAt) return 'This decision was withdrawn: no objection can be recorded against it'
  if (decision.outcome !== 'consensus') {
    return 'Only a decision reached by consensus can be objected to: this one was not reached by consensus'
  }
  return null
}

/** Agencies of the partnership active on `day`: the ones that may object. */
export function activeAgencies(db: DbOrTx, partnershipId: string, day: string) {
  return db
    .select({ id: agencies.id, name: agencies.name })
    .from(agencies)
    .where(and(eq(agencies.partnershipId, partnershipId), activeOn(day)))
    .orderBy(asc(agencies.name))
}

const activeOn = (day: string): SQL =>
  sql`(${agencies.activeFrom} is null or ${agencies.activeFrom} <= ${day}::date)
    and (${agencies.activeTo} is null or ${agencies.activeTo} > ${day}::date)`

export interface ObjectionInput {
  agencyId: string
  receivedOn: string
  reasons: string
}

/**
 * Records a partner agency's written objection. It must be received before the implementation
 * date (and not in the future); the decision is then suspended until a reconsideration meeting is
 * arranged. The group's members today and the business team are told by e-mail (or digest).
 */
export async function recordObjection(
  db: Db,
  outbox: Outbox,
  change: ChangeContext,
  decisionId: string,
  input: ObjectionInput,
  links: { decisionUrl: string },
): Promise<{ objection: DecisionObjection; notified: number }> {
  const today = londonDate(change.now)
  return db.transaction(async (tx) => {
    const decision = await decisionOf(tx, change.partnershipId, decisionId)
    const closed = objectionClosedReason(decision)
    if (closed) throw appError('objection_closed', closed, 409)
    const meeting = await meetingOf(tx, change.partnershipId, decision.meetingId)
    const problems: Record<string, string> = {}
    const [agency] = !isUuid(input.agencyId)
      ? []
      : await tx
          .select({ id: agencies.id, name: agencies.name })
          .from(agencies)
          .where(
            and(
              eq(agencies.id, input.agencyId),
              eq(agencies.partnershipId, change.partnershipId),
              activeOn(today),
            ),
          )
    if (!agency) problems.agencyId = 'Choose the agency that objected'
    const implementationOn = decision.implementationOn!
    if (input.receivedOn > today)
      problems.receivedOn = 'The date the objection was received must be today or in the past'
    else if (input.receivedOn >= implementationOn) {
      problems.receivedOn = `An objection must be received before the implementation date, ${formatDate(implementationOn)}`
    } else if (input.receivedOn < meeting.heldOn) {
      problems.receivedOn = `The date the objection was received must be on or after the meeting, ${formatDate(meeting.heldOn)}`
    }
    const reasons = input.reasons.trim()
    if (!reasons) problems.reasons = 'Enter the reasons given in the objection'
    if (Object.keys(problems).length > 0) throw new FieldProblems(problems)

    await lockDecisions(tx, change.partnershipId)
    const since = new Date(change.now.getTime() - DUPLICATE_WINDOW_MS)
    const [twin] = await tx
      .select({ id: decisionObjections.id })
      .from(decisionObjections)
      .where(
        and(
          eq(decisionObjections.decisionId, decision.id),
          eq(decisionObjections.agencyId, input.agencyId),
          eq(decisionObjections.reasons, reasons),
          gt(decisionObjections.createdAt, since),
        ),
      )
      .limit(1)
    if (twin) throw new FieldProblems({ reasons: duplicateObjectionMessage })

    const values = {
      id: randomUUID(),
      partnershipId: change.partnershipId,
      decisionId: decision.id,
      agencyId: input.agencyId,
      receivedOn: input.receivedOn,
      reasons,
      createdById: change.actorId,
      createdAt: change.now,
    }
    const [objection] = await tx.insert(decisionObjections).values(values).returning()
    await auditChange(tx, change, { type: 'decision_objection', id: values.id }, 'create', null, {
      decisionId: decision.id,
      reference: decision.reference,
      agencyId: values.agencyId,
      receivedOn: values.receivedOn,
      reasons,
    })

    const [group] = await tx.select({ name: groups.name }).from(groups).where(eq(groups.id, meeting.groupId))
    const title = meetingTitle(meeting, group?.name ?? 'the group')
    const subject = `Objection to decision ${decision.reference}: the decision is suspended`
    const text = [
      `${agency!.name} has objected in writing to decision ${decision.reference}, taken at ${title}.`,
      '',
      `Decision: ${decision.text}`,
      `Implementation date: ${formatDate(implementationOn)}`,
      `Objection received: ${formatDate(values.receivedOn)}`,
      `Reasons: ${reasons}`,
      '',
      `The decision is suspended: it will not be implemented until it is reconsidered at a meeting of ${group?.name ?? 'the group'}.`,
      '',
      `See the decision: ${links.decisionUrl}`,
    ].join('\n')
    const recipients = await objectionRecipients(tx, change.partnershipId, meeting.groupId, today)
    const notices: Notice[] = recipients.map((r) => ({
      partnershipId: change.partnershipId,
      to: r.email,
      userId: r.userId,
      subject,
      text,
    }))
    await sendNotices(tx, outbox, notices, change.now)
    return { objection: objection!, notified: notices.length }
  })
}

/** The group's members on `day` and the partnership's business team, each address once. */
export async function objectionRecipients(
  db: DbOrTx,
  partnershipId: string,
  groupId: string,
  day: string,
): Promise<{ email: string; userId: string | null }[]> {
  const [members, team] = await Promise.all([
    inviteesOn(db, groupId, day),
    db
      .select({ email: users.email, userId: users.id })
      .from(partnershipRoles)
      .innerJoin(users, eq(users.id, partnershipRoles.userId))
      .where(
        and(
          eq(partnershipRoles.partnershipId, partnershipId),
          eq(partnershipRoles.role, 'business_team'),
          isNull(partnershipRoles.deactivatedAt),
          isNull(users.deactivatedAt),
        ),
      )
      .orderBy(asc(users.email)),
  ])
  const seen = new Set<string>()
  const out: { email: string; userId: string | null }[] = []
  for (const r of [...members, ...team]) {
    if (!r.email) continue
    const key = r.email.trim().toLowerCase()
    if (seen.has(key)) continue
    seen.add(key)
    out.push({ email: r.email, userId: r.userId })
  }
  return out
}

/**
 * Sets the meeting that reconsiders a decision after an objection: a later meeting of the same
 * group that is not cancelled. It may be changed while the decision stands.
 */
export async function arrangeReconsideration(
  db: Db,
  change: ChangeContext,
  decisionId: string,
  meetingId: string,
): Promise<Decision> {
  return db.transaction(async (tx) => {
    const decision = await decisionOf(tx, change.partnershipId, decisionId)
    if (decision.withdrawnAt) throw appError('decision_withdrawn', 'This decision was withdrawn', 409)
    const [objected] = await tx
      .select({ id: decisionObjections.id })
      .from(decisionObjections)
      .where(eq(decisionObjections.decisionId, decision.id))
      .limit(1)
    if (!objected) {
      throw appError(
        'no_objection',
        'A reconsideration is arranged after an objection: none has been recorded',
        409,
      )
    }
    const meeting = await meetingOf(tx, change.partnershipId, decision.meetingId)
    const later = (await laterMeetingsOf(tx, meeting)).find((m) => m.id === meetingId)
    if (!later) throw new FieldProblems({ meetingId: 'Choose a later meeting of the group' })
    const [row] = await tx
      .update(decisions)
      .set({ reconsiderationMeetingId: later.id })
      .where(eq(decisions.id, decision.id))
      .returning()
    await auditChange(
      tx,
      change,
      { type: 'decision', id: decision.id },
      'reconsideration',
      { reconsiderationMeetingId: decision.reconsiderationMeetingId },
      { reconsiderationMeetingId: later.id },
    )
    return row!
  })
}
