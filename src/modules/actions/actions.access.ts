import { or, type SQL, sql } from 'drizzle-orm'
import { isBusinessTeam, type MeetingViewer } from '../meetings/meetings.access.ts'
import { groups, memberships, people } from '../partnership/structure.table.ts'
import { actions } from './actions.table.ts'

/**
 * Who sees an action: the business team every one; anyone who sits (or sat) on its group, or
 * owns it; partners and scrutineers those of groups that are not confidential. The same rule as
 * meetings, so an action is never visible where its meeting is not.
 */
export function visibleActions(viewer: MeetingViewer): SQL {
  if (isBusinessTeam(viewer.role)) return sql`true`
  const member = viewer.userId
    ? or(
        sql`exists (select 1 from ${memberships} join ${people} on ${people.id} = ${memberships.personId}
          where ${memberships.groupId} = ${actions.groupId} and ${people.userId} = ${viewer.userId})`,
        sql`exists (select 1 from ${people} where ${people.id} = ${actions.ownerPersonId} and ${people.userId} = ${viewer.userId})`,
      )!
    : sql`false`
  if (viewer.role === 'partner' || viewer.role === 'scrutineer') {
    return or(
      sql`not exists (select 1 from ${groups} where ${groups.id} = ${actions.groupId} and ${groups.confidential})`,
      member,
    )!
  }
  return member
}
