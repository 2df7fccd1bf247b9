import { and, eq, isNull, sql } from 'drizzle-orm'
import { recordAudit } from '../../platform/audit/audit.service.ts'
import { partnershipRoles, users } from '../../platform/auth/auth.table.ts'
import { addCalendarDays, formatDate } from '../../platform/calendar/calendar.ts'
import { type Db, queryRows } from '../../platform/db/client.ts'
import type { Job } from '../../platform/jobs/jobs.ts'
import type { Outbox } from '../../platform/notify/notify.service.ts'
import { londonDay } from './agencies.problems.ts'

/** How far ahead administrators hear that a chair's tenure is ending. */
export const TENURE_NOTICE_DAYS = 30
const REMINDED = 'tenure_reminder'

export interface TenureReminderDeps {
  outbox: Pick<Outbox, 'enqueue'>
  /** For the link in the e-mail. */
  publicUrl: string
}

/** Every morning: tells the partnership's administrators, once per seat, that a chair's tenure ends soon. */
export function chairTenureReminderJob(deps: TenureReminderDeps): Job {
  return {
    name: 'chair-tenure-reminder',
    schedule: '10 7 * * *',
    async run({ db, now, log }) {
      const sent = await sendChairTenureReminders(db, deps, now())
      if (sent > 0) log.info({ chairs: sent }, 'chair tenure reminders sent')
    },
  }
}

interface EndingChair {
  id: string
  ends_on: string
  person_name: string
  group_name: string
  group_slug: string
  partnership_id: string
  partnership_slug: string
  partnership_name: string
}

/**
 * Answers how many chairs' administrators were told. The audit entry written with the e-mails is
 * the record that a seat has been announced, so a second run (or a second process) sends nothing.
 * Seats ended on purpose (with a reason) are left out: whoever ended them already knows.
 */
export async function sendChairTenureReminders(db: Db, deps: TenureReminderDeps, now: Date): Promise<number> {
  const today = londonDay(now)
  const until = addCalendarDays(today, TENURE_NOTICE_DAYS)
  const chairs = await queryRows<EndingChair>(
    db,
    sql`select m.id, m.ends_on::text as ends_on, pe.name as person_name, g.name as group_name,
        g.slug as group_slug, p.id as partnership_id, p.slug as partnership_slug, p.name as partnership_name
      from memberships m
      join groups g on g.id = m.group_id
      join people pe on pe.id = m.person_id
      join partnerships p on p.id = coalesce(g.partnership_id, m.partnership_id)
      where m.role = 'chair' and m.ended_reason is null
        and m.ends_on between ${today}::date and ${until}::date
        and m.starts_on <= m.ends_on and g.closed_on is null
        and not exists (select 1 from audit_log a
          where a.partnership_id = p.id and a.entity_type = 'membership'
            and a.entity_id = m.id::text and a.action = ${REMINDED})
      order by m.ends_on, m.id`,
  )
  let told = 0
  for (const chair of chairs) if (await remind(db, deps, chair, today, now)) told++
  return told
}

async function remind(
  db: Db,
  deps: TenureReminderDeps,
  chair: EndingChair,
  today: string,
  now: Date,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const administrators = await tx
      .select({ name: users.name, email: users.email })
      .from(partnershipRoles)
      .innerJoin(users, eq(users.id, partnershipRoles.userId))
      .where(
        and(
          eq(partnershipRoles.partnershipId, chair.partnership_id),
          eq(partnershipRoles.role, 'administrator'),
          isNull(partnershipRoles.deactivatedAt),
          isNull(users.deactivatedAt),
        ),
      )
    if (administrators.length === 0) return false
    const days = Math.round((Date.parse(chair.ends_on) - Date.parse(today)) / 86_400_000)
    const when = days === 0 ? 'today' : `in ${days} ${days === 1 ? 'day' : 'days'}`
    const link = `${deps.publicUrl.replace(/\/$/, '')}/p/${chair.partnership_slug}/groups/${chair.group_slug}`
    const subject = `Chair’s tenure ends ${formatDate(chair.ends_on)}: ${chair.group_name}`
    for (const person of administrators) {
      await deps.outbox.enqueue(tx, {
        partnershipId: chair.partnership_id,
        to: person.email,
        subject,
        text: [
          `Dear ${person.name},`,
          '',
          `${chair.person_name}’s tenure as chair of the ${chair.group_name} ends on ${formatDate(chair.ends_on)}, ${when}.`,
          'Agree who chairs the group next, and record the new chair (or an extended tenure, with the reason) on the group’s page:',
          link,
          '',
          chair.partnership_name,
        ].join('\n'),
      })
    }
    await recordAudit(
      tx,
      {
        partnershipId: chair.partnership_id,
        entityType: 'membership',
        entityId: chair.id,
        action: REMINDED,
        after: { endsOn: chair.ends_on, to: administrators.map((a) => a.email) },
      },
      now,
    )
    return true
  })
}
