import { sql } from 'drizzle-orm'
import { recordAudit } from '../../platform/audit/audit.service.ts'
import { type DbOrTx, queryRows } from '../../platform/db/client.ts'
import { londonDay } from '../partnership/agencies.problems.ts'

export interface SweepResult {
  /** Failures written for actions with no answer by their deadline. */
  unanswered: number
  /** Failures written for actions answered after their deadline (before the sweep saw them). */
  late: number
  /** Unanswered failures marked late because an answer has come since. */
  answeredLate: number
}

/**
 * Records every agency's compliance failures, across all partnerships, in two statements:
 * (1) an `unanswered` failure whose action has been answered since becomes `late`, with the day
 * of the first answer after the deadline; (2) every issued action whose deadline (`dueOn`, the
 * rule's date or an approved extension's, already worked out with the partnership's rules and
 * calendar) is before today in London, and which had no answer on or before it, gets a failure:
 * `late` with the first answer's day when one came after, `unanswered` while the action is open
 * and none has. An action closed without an answer owes none. One failure per action and
 * deadline (a unique index), so running it again changes nothing. A deadline on a bank holiday
 * is the deadline: nothing is written on the day itself, only once it has passed.
 * Each partnership whose failures changed gets one audit entry for the run, in the same
 * transaction: its records changed, so what was counted from them (the dashboard) is counted again.
 */
export async function sweepFailures(db: DbOrTx, options: { now: Date }): Promise<SweepResult> {
  return db.transaction((tx) => sweepInTransaction(tx, options))
}

async function sweepInTransaction(db: DbOrTx, options: { now: Date }): Promise<SweepResult> {
  const today = londonDay(options.now)
  const answered = await queryRows<{ partnership_id: string; n: number }>(
    db,
    sql`with answered as (
        update compliance_failures f set kind = 'late', responded_on = r.first_on
        from (
          select f2.id, min(ar.responded_on) as first_on
          from compliance_failures f2
          join action_responses ar on ar.action_id = f2.action_id and ar.responded_on > f2.due_on
          where f2.kind = 'unanswered'
          group by f2.id
        ) r
        where f.id = r.id and f.kind = 'unanswered'
        returning f.partnership_id
      )
      select partnership_id, count(*)::int as n from answered group by partnership_id`,
  )
  const written = await queryRows<{ partnership_id: string; kind: 'unanswered' | 'late'; n: number }>(
    db,
    sql`with first_answers as (
        select ar.action_id, min(ar.responded_on) as first_on
        from action_responses ar
        group by ar.action_id
      ),
      -- Read once, before the insert: an anti-join on the table itself may be planned as a scan
      -- per row of a table that grows while the statement runs (quadratic on a first sweep).
      existing as materialized (
        select f.action_id, f.due_on from compliance_failures f
      ),
      inserted as (
        insert into compliance_failures (id, partnership_id, agency_id, action_id, due_on, kind, responded_on)
        select gen_random_uuid(), a.partnership_id, a.owner_agency_id, a.id, a.due_on,
          case when fa.first_on is null then 'unanswered' else 'late' end, fa.first_on
        from actions a
        left join first_answers fa on fa.action_id = a.id
        where a.issued_on is not null and a.due_on is not null and a.due_on < ${today}::date
          and (fa.first_on is null or fa.first_on > a.due_on)
          and (fa.first_on is not null or a.closed_at is null)
          and not exists (select 1 from existing e where e.action_id = a.id and e.due_on = a.due_on)
        on conflict (action_id, due_on) do nothing
        returning partnership_id, kind
      )
      select partnership_id, kind, count(*)::int as n from inserted group by partnership_id, kind`,
  )
  const byPartnership = new Map<string, SweepResult>()
  const of = (id: string) => {
    const counts = byPartnership.get(id) ?? { unanswered: 0, late: 0, answeredLate: 0 }
    byPartnership.set(id, counts)
    return counts
  }
  for (const r of answered) of(r.partnership_id).answeredLate += Number(r.n)
  for (const r of written) of(r.partnership_id)[r.kind] += Number(r.n)
  const total: SweepResult = { unanswered: 0, late: 0, answeredLate: 0 }
  for (const [partnershipId, counts] of byPartnership) {
    await recordAudit(
      db,
      {
        partnershipId,
        entityType: 'compliance_sweep',
        entityId: partnershipId,
        action: 'sweep',
        after: { on: today, ...counts },
      },
      options.now,
    )
    total.unanswered += counts.unanswered
    total.late += counts.late
    total.answeredLate += counts.answeredLate
  }
  return total
}
