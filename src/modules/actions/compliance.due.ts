import { and, eq, inArray, isNull, sql } from 'drizzle-orm'
import { partnershipRoles, users } from '../../platform/auth/auth.table.ts'
import { addMonths, formatDate } from '../../platform/calendar/dates.ts'
import { type DbOrTx, queryRows } from '../../platform/db/client.ts'
import { type Notice, sendNotices } from '../../platform/notify/notices.ts'
import type { Outbox } from '../../platform/notify/notify.service.ts'
import { sentReminders } from '../../platform/notify/notify.table.ts'
import { defaultRuleSet, type RuleSet } from '../../platform/rules/rules.definitions.ts'
import { londonDay } from '../partnership/agencies.problems.ts'

// When an agency has failed often enough for an escalation letter: the rule, the prompt on the
// compliance page, and the e-mail that tells the business team once per crossing.

/** The two rules of escalation: how many failures in how many months call for a letter. */
export interface EscalationRules {
  threshold: number
  windowMonths: number
}

export const escalationRules = (rules: RuleSet): EscalationRules => ({
  threshold: rules.lateResponsesBeforeEscalation,
  windowMonths: rules.escalationWindow,
})

/** The first day of the window in which failures count: `today` less the window's months. */
export const windowStart = (today: string, rules: EscalationRules) => addMonths(today, -rules.windowMonths)

const times = (n: number) => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`)

/** "Surrey Police has responded late twice since 1 June 2026: issue an escalation letter" */
export function promptText(input: { agencyName: string; count: number; since: string; allLate: boolean }) {
  const what = input.allLate ? 'responded late' : 'not responded on time'
  return `${input.agencyName} has ${what} ${times(input.count)} since ${formatDate(input.since)}: issue an escalation letter`
}

/** The rule in words, for the pages and e-mails. */
export const ruleText = (rules: EscalationRules) =>
  `an agency that does not respond on time on ${rules.threshold} ${rules.threshold === 1 ? 'occasion' : 'occasions'} within ${rules.windowMonths} ${rules.windowMonths === 1 ? 'month' : 'months'} gets a letter to its executive member`

export interface LetterDue {
  partnershipId: string
  partnershipSlug: string
  partnershipName: string
  agencyId: string
  agencyName: string
  count: number
  /** The first pending failure's deadline. */
  since: string
  allLate: boolean
  latestFailureId: string
  threshold: number
  windowMonths: number
  /** An unsent letter to the agency, if one is drafted. */
  draftLetterId: string | null
  failures: { reference: string; dueOn: string; respondedOn: string | null }[]
  prompt: string
}

const ruleValue = (key: keyof RuleSet, fallback: number) =>
  sql`coalesce((select case when jsonb_typeof(rs.value) = 'number' then (rs.value #>> '{}')::int end
    from rule_settings rs where rs.partnership_id = p.id and rs.key = ${key}), ${fallback}::int)`

/**
 * Agencies that have reached the escalation rule: in the window of their partnership's rule, as
 * many failures not yet in a sent letter as the rule asks. One query, for one partnership or all
 * of them (each with its own rules, read from rule_settings with the defaults behind them).
 * `unnotified` keeps only those whose prompt has not been e-mailed yet.
 */
export async function agenciesDue(
  db: DbOrTx,
  today: string,
  filter: { partnershipId?: string; unnotified?: boolean } = {},
): Promise<LetterDue[]> {
  const rows = await queryRows<{
    partnership_id: string
    partnership_slug: string
    partnership_name: string
    agency_id: string
    agency_name: string
    count: number
    since: string
    all_late: boolean
    latest_failure_id: string
    threshold: number
    window_months: number
    draft_letter_id: string | null
    failures: { reference: string; dueOn: string; respondedOn: string | null }[] | string
  }>(
    db,
    sql`with settings as (
        select p.id as partnership_id, p.slug, p.name,
          ${ruleValue('lateResponsesBeforeEscalation', defaultRuleSet.lateResponsesBeforeEscalation)} as threshold,
          ${ruleValue('escalationWindow', defaultRuleSet.escalationWindow)} as window_months
        from partnerships p
        ${filter.partnershipId ? sql`where p.id = ${filter.partnershipId}` : sql``}
      ),
      due as (
        select s.partnership_id, s.slug as partnership_slug, s.name as partnership_name,
          s.threshold, s.window_months, f.agency_id, ag.name as agency_name,
          count(*)::int as count, min(f.due_on)::text as since, bool_and(f.kind = 'late') as all_late,
          (array_agg(f.id order by f.due_on desc, f.created_at desc, f.id desc))[1] as latest_failure_id,
          json_agg(json_build_object('reference', a.reference, 'dueOn', f.due_on::text,
            'respondedOn', f.responded_on::text) order by f.due_on, a.reference) as failures
        from compliance_failures f
        join settings s on s.partnership_id = f.partnership_id
        join agencies ag on ag.id = f.agency_id
        join actions a on a.id = f.action_id
        left join escalation_letters l on l.id = f.letter_id
        where f.due_on >= (${today}::date - make_interval(months => s.window_months))::date
          and l.sent_on is null
        group by s.partnership_id, s.slug, s.name, s.threshold, s.window_months, f.agency_id, ag.name
        having count(*) >= s.threshold
      )
      select due.*,
        (select l.id from escalation_letters l where l.agency_id = due.agency_id and l.sent_on is null
          order by l.created_at desc limit 1) as draft_letter_id
      from due
      ${
        filter.unnotified
          ? sql`where not exists (select 1 from sent_reminders sr
              where sr.key = 'escalation-due:' || due.agency_id::text || ':' || due.latest_failure_id::text)`
          : sql``
      }
      order by due.partnership_id, due.count desc, due.agency_name`,
  )
  return rows.map((r) => {
    const failures = typeof r.failures === 'string' ? JSON.parse(r.failures) : r.failures
    const due = {
      partnershipId: r.partnership_id,
      partnershipSlug: r.partnership_slug,
      partnershipName: r.partnership_name,
      agencyId: r.agency_id,
      agencyName: r.agency_name,
      count: Number(r.count),
      since: r.since,
      allLate: r.all_late,
      latestFailureId: r.latest_failure_id,
      threshold: Number(r.threshold),
      windowMonths: Number(r.window_months),
      draftLetterId: r.draft_letter_id,
      failures,
    }
    return { ...due, prompt: promptText(due) }
  })
}

/** The agencies of a partnership that have reached the escalation rule: the prompt to write to them. */
export const lettersDue = (db: DbOrTx, partnershipId: string, today: string) =>
  agenciesDue(db, today, { partnershipId })

export interface NotifyResult {
  /** Agencies whose prompt was e-mailed in this run. */
  agencies: number
  /** Notices written (e-mails and digest entries). */
  notices: number
}

/** The key that records a prompt sent: one per agency and latest failure, so each crossing is told once. */
export const escalationDueKey = (agencyId: string, latestFailureId: string) =>
  `escalation-due:${agencyId}:${latestFailureId}`

/**
 * E-mails each partnership's business team when an agency reaches the escalation rule: once per
 * agency and crossing (a new failure while the rule is met is a new crossing), recorded in
 * sent_reminders in the transaction that writes the notices, so running it twice sends nothing
 * twice. The sweep job calls it after `sweepFailures`. A partnership without a business team is
 * left unrecorded and is told once it has one.
 */
export async function notifyLettersDue(
  db: DbOrTx,
  outbox: Outbox,
  now: Date,
  options: { publicUrl?: string } = {},
): Promise<NotifyResult> {
  const result: NotifyResult = { agencies: 0, notices: 0 }
  const due = await agenciesDue(db, londonDay(now), { unnotified: true })
  if (due.length === 0) return result
  const teams = await businessTeams(db, [...new Set(due.map((d) => d.partnershipId))])
  const base = (options.publicUrl ?? '').replace(/\/$/, '')
  for (const agency of due) {
    const team = teams.get(agency.partnershipId) ?? []
    if (team.length === 0) continue
    const link = `${base}/p/${agency.partnershipSlug}/compliance/letters/new?agency=${agency.agencyId}`
    const body = [
      `${agency.prompt}.`,
      '',
      `The partnership’s rule: ${ruleText(agency)} (failures since ${formatDate(addMonths(londonDay(now), -agency.windowMonths))} count).`,
      '',
      'Actions not responded to on time:',
      ...agency.failures.map(
        (f) =>
          `- ${f.reference}: due ${formatDate(f.dueOn)}, ${f.respondedOn ? `answered ${formatDate(f.respondedOn)}` : 'not answered'}`,
      ),
      '',
      agency.draftLetterId ? 'A letter is drafted but not yet sent. Draft the letter:' : 'Draft the letter:',
      link,
    ]
    const notices: Notice[] = team.map((person) => ({
      partnershipId: agency.partnershipId,
      to: person.email,
      userId: person.userId,
      subject: `Escalation letter due: ${agency.agencyName}`,
      text: [`Dear ${person.name},`, '', ...body, '', agency.partnershipName].join('\n'),
    }))
    const sent = await db.transaction(async (tx) => {
      // The record first: if another run got here before us, nothing is sent.
      const claimed = await tx
        .insert(sentReminders)
        .values({
          key: escalationDueKey(agency.agencyId, agency.latestFailureId),
          partnershipId: agency.partnershipId,
          sentAt: now,
        })
        .onConflictDoNothing()
        .returning({ key: sentReminders.key })
      if (claimed.length === 0) return 0
      return (await sendNotices(tx, outbox, notices, now)).length
    })
    if (sent > 0) {
      result.agencies++
      result.notices += sent
    }
  }
  return result
}

interface TeamMember {
  name: string
  email: string
  userId: string
}

/** The active business team of each partnership. */
async function businessTeams(db: DbOrTx, partnershipIds: string[]): Promise<Map<string, TeamMember[]>> {
  const rows = await db
    .select({
      partnershipId: partnershipRoles.partnershipId,
      userId: users.id,
      name: users.name,
      email: users.email,
    })
    .from(partnershipRoles)
    .innerJoin(users, eq(users.id, partnershipRoles.userId))
    .where(
      and(
        inArray(partnershipRoles.partnershipId, partnershipIds),
        eq(partnershipRoles.role, 'business_team'),
        isNull(partnershipRoles.deactivatedAt),
        isNull(users.deactivatedAt),
      ),
    )
    .orderBy(users.name)
  const teams = new Map<string, TeamMember[]>()
  for (const r of rows) teams.set(r.partnershipId, [...(teams.get(r.partnershipId) ?? []), r])
  return teams
}
