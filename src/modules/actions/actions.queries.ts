import { and, asc, eq, gte, isNull, or, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import { users } from '../../platform/auth/auth.table.ts'
import type { DbOrTx } from '../../platform/db/client.ts'
import { decisions } from '../meetings/decisions.table.ts'
import type { MeetingViewer } from '../meetings/meetings.access.ts'
import { agendaItems, meetings } from '../meetings/meetings.table.ts'
import { agencies, groups, people } from '../partnership/structure.table.ts'
import { visibleActions } from './actions.access.ts'
import { type ActionRag, actionRagSql, lastAnswerOnSql, type RagWindow } from './actions.rules.ts'
import { actionExtensions, actionResponseFiles, actionResponses, actions } from './actions.table.ts'

// What the pages of one action read: the action with everything it points at (one query), its
// responses with their files (one query), its extensions (one query), and the choices of the form.

const createdBy = alias(users, 'created_by')
const closedBy = alias(users, 'closed_by')

/** The action with its group, source, owner and RAG status, and what the viewer may do: one query. */
export async function findActionDetail(
  db: DbOrTx,
  partnershipId: string,
  actionId: string,
  viewer: MeetingViewer,
  window: RagWindow,
) {
  const userId = viewer.userId ?? '00000000-0000-0000-0000-000000000000'
  const [row] = await db
    .select({
      action: actions,
      group: { id: groups.id, slug: groups.slug, name: groups.name },
      meeting: { id: meetings.id, heldOn: meetings.heldOn, kind: meetings.kind },
      item: { id: agendaItems.id, position: agendaItems.position, title: agendaItems.title },
      decision: { id: decisions.id, reference: decisions.reference, text: decisions.text },
      agency: { id: agencies.id, name: agencies.name },
      person: { id: people.id, name: people.name, jobTitle: people.jobTitle },
      createdByName: createdBy.name,
      closedByName: closedBy.name,
      rag: actionRagSql(window.today, window.dueSoonUntil),
      lastAnswerOn: lastAnswerOnSql,
      visible: sql<boolean>`${visibleActions(viewer)}`,
      /** The viewer owns the action, or works for its owner agency: they answer it. */
      isOwner: sql<boolean>`exists (select 1 from "people" v where v."partnership_id" = "actions"."partnership_id"
        and v."user_id" = ${userId} and (v."id" = "actions"."owner_person_id" or v."agency_id" = "actions"."owner_agency_id"))`,
    })
    .from(actions)
    .innerJoin(groups, eq(groups.id, actions.groupId))
    .innerJoin(agencies, eq(agencies.id, actions.ownerAgencyId))
    .leftJoin(people, eq(people.id, actions.ownerPersonId))
    .leftJoin(meetings, eq(meetings.id, actions.meetingId))
    .leftJoin(agendaItems, eq(agendaItems.id, actions.agendaItemId))
    .leftJoin(decisions, eq(decisions.id, actions.decisionId))
    .leftJoin(createdBy, eq(createdBy.id, actions.createdById))
    .leftJoin(closedBy, eq(closedBy.id, actions.closedById))
    .where(and(eq(actions.id, actionId), eq(actions.partnershipId, partnershipId)))
  return row ? { ...row, rag: row.rag as ActionRag } : null
}
export type ActionDetail = NonNullable<Awaited<ReturnType<typeof findActionDetail>>>

const respondent = alias(people, 'respondent')
const respondentUser = alias(users, 'respondent_user')

/** The action's responses, oldest first, each with who answered and its files (names and sizes only). */
export async function responsesOf(db: DbOrTx, actionId: string) {
  const rows = await db
    .select({
      id: actionResponses.id,
      text: actionResponses.text,
      respondedOn: actionResponses.respondedOn,
      respondedAt: actionResponses.respondedAt,
      dueOn: actionResponses.dueOn,
      byName: sql<string | null>`coalesce(${respondent.name}, ${respondentUser.name})`,
      viaLink: sql<boolean>`${actionResponses.linkId} is not null`,
      files: sql<{ id: string; filename: string; size: number; contentType: string }[] | null>`(
        select json_agg(json_build_object('id', f."id", 'filename', f."filename", 'size', f."size",
          'contentType', f."content_type") order by f."filename")
        from "action_response_files" f where f."response_id" = ${actionResponses.id})`,
    })
    .from(actionResponses)
    .leftJoin(respondent, eq(respondent.id, actionResponses.byPersonId))
    .leftJoin(respondentUser, eq(respondentUser.id, actionResponses.byUserId))
    .where(eq(actionResponses.actionId, actionId))
    .orderBy(asc(actionResponses.respondedAt), asc(actionResponses.id))
  return rows.map((r) => ({ ...r, files: r.files ?? [] }))
}

const requester = alias(users, 'requester')
const decider = alias(users, 'decider')

/** The action's requests for more time, oldest first, with who asked and who decided. */
export function extensionsOf(db: DbOrTx, actionId: string) {
  return db
    .select({
      id: actionExtensions.id,
      requestedOn: actionExtensions.requestedOn,
      proposedDueOn: actionExtensions.proposedDueOn,
      reason: actionExtensions.reason,
      decision: actionExtensions.decision,
      decisionReason: actionExtensions.decisionReason,
      newDueOn: actionExtensions.newDueOn,
      decidedAt: actionExtensions.decidedAt,
      requestedByName: requester.name,
      decidedByName: decider.name,
    })
    .from(actionExtensions)
    .leftJoin(requester, eq(requester.id, actionExtensions.requestedById))
    .leftJoin(decider, eq(decider.id, actionExtensions.decidedById))
    .where(eq(actionExtensions.actionId, actionId))
    .orderBy(asc(actionExtensions.createdAt), asc(actionExtensions.id))
}

/** A file of a response to the action, with its content, or null. */
export async function responseFile(db: DbOrTx, actionId: string, responseId: string, fileId: string) {
  const [file] = await db
    .select({
      filename: actionResponseFiles.filename,
      contentType: actionResponseFiles.contentType,
      content: actionResponseFiles.content,
    })
    .from(actionResponseFiles)
    .innerJoin(actionResponses, eq(actionResponses.id, actionResponseFiles.responseId))
    .where(
      and(
        eq(actionResponseFiles.id, fileId),
        eq(actionResponseFiles.responseId, responseId),
        eq(actionResponses.actionId, actionId),
      ),
    )
  return file ?? null
}

/** The agencies an action can be given to (active today) and the people who can own one. */
export async function ownerChoices(db: DbOrTx, partnershipId: string, today: string) {
  const [agencyRows, personRows] = await Promise.all([
    db
      .select({ id: agencies.id, name: agencies.name })
      .from(agencies)
      .where(
        and(
          eq(agencies.partnershipId, partnershipId),
          or(isNull(agencies.activeTo), gte(agencies.activeTo, today)),
        ),
      )
      .orderBy(asc(agencies.name)),
    db
      .select({ id: people.id, name: people.name, agencyName: agencies.name })
      .from(people)
      .leftJoin(agencies, eq(agencies.id, people.agencyId))
      .where(
        and(
          eq(people.partnershipId, partnershipId),
          or(isNull(people.leftOn), sql`${people.leftOn} > ${today}::date`),
        ),
      )
      .orderBy(asc(people.name), asc(people.id)),
  ])
  return { agencies: agencyRows, people: personRows }
}

/** The partnership's groups that are open today, for a standalone action. */
export function openGroups(db: DbOrTx, partnershipId: string, today: string) {
  return db
    .select({ id: groups.id, name: groups.name })
    .from(groups)
    .where(
      and(
        eq(groups.partnershipId, partnershipId),
        or(isNull(groups.closedOn), sql`${groups.closedOn} > ${today}::date`),
      ),
    )
    .orderBy(asc(groups.name))
}

/** The meeting's agenda items that are not withdrawn, in order. */
export function meetingItems(db: DbOrTx, meetingId: string) {
  return db
    .select({ id: agendaItems.id, position: agendaItems.position, title: agendaItems.title })
    .from(agendaItems)
    .where(and(eq(agendaItems.meetingId, meetingId), isNull(agendaItems.withdrawnAt)))
    .orderBy(asc(agendaItems.position))
}
