import { and, eq, sql } from 'drizzle-orm'
import { recordAudit } from '../audit/audit.service.ts'
import { addCalendarDays, addMonths, formatDate, type WorkingCalendar } from '../calendar/calendar.ts'
import type { Db, DbOrTx } from '../db/client.ts'
import { prepared } from '../db/prepared.ts'
import {
  defaultRuleSet,
  describeAmount,
  type RuleKey,
  type RuleSet,
  ruleDefinition,
  ruleDefinitions,
} from './rules.definitions.ts'
import { ruleSettings } from './rules.table.ts'

/** The partnership's rules: its own values where it set them, the defaults elsewhere. */
export async function getRuleSet(db: DbOrTx, partnershipId: string): Promise<RuleSet> {
  const query = prepared(db, 'rule_settings_of', (name) =>
    db
      .select()
      .from(ruleSettings)
      .where(eq(ruleSettings.partnershipId, sql.placeholder('partnershipId')))
      .prepare(name),
  )
  return ruleSetFrom(await query.execute({ partnershipId }))
}

/** The rule set from a partnership's rule_settings rows (for a page that reads them in its own query). */
export function ruleSetFrom(rows: readonly { key: string; value: unknown }[]): RuleSet {
  const rules = { ...defaultRuleSet }
  for (const row of rows) {
    if (row.key in rules && typeof row.value === 'number') rules[row.key as RuleKey] = row.value
  }
  return rules
}

export interface RuleChange {
  key: RuleKey
  before: number
  after: number
}

/** Saves the values that changed, each with an audit entry, in one transaction. Returns what changed. */
export async function updateRules(
  db: Db,
  input: { partnershipId: string; actorId: string; requestId?: string; values: Partial<RuleSet>; now: Date },
): Promise<RuleChange[]> {
  return db.transaction(async (tx) => {
    const current = await getRuleSet(tx, input.partnershipId)
    const changes: RuleChange[] = []
    for (const definition of ruleDefinitions) {
      const after = input.values[definition.key]
      if (after === undefined || after === current[definition.key]) continue
      changes.push({ key: definition.key, before: current[definition.key], after })
    }
    for (const change of changes) {
      await tx
        .insert(ruleSettings)
        .values({
          partnershipId: input.partnershipId,
          key: change.key,
          value: change.after,
          updatedAt: input.now,
          updatedBy: input.actorId,
        })
        .onConflictDoUpdate({
          target: [ruleSettings.partnershipId, ruleSettings.key],
          set: { value: change.after, updatedAt: input.now, updatedBy: input.actorId },
        })
      await recordAudit(
        tx,
        {
          partnershipId: input.partnershipId,
          actorId: input.actorId,
          entityType: 'rule',
          entityId: change.key,
          action: 'update',
          before: { value: change.before },
          after: { value: change.after },
          requestId: input.requestId,
        },
        input.now,
      )
    }
    return changes
  })
}

/** Puts one rule back to its default (removing the partnership's own value). */
export async function resetRule(db: Db, partnershipId: string, key: RuleKey) {
  await db
    .delete(ruleSettings)
    .where(and(eq(ruleSettings.partnershipId, partnershipId), eq(ruleSettings.key, key)))
}

export interface Deadline {
  date: string
  /** "28 March 2024: meeting on 12 March 2024 + 10 working days, skipping Good Friday (29 March) and Easter Monday (1 April)" */
  explanation: string
}

/**
 * The date a rule gives from its anchor, with a sentence that says how it was reached. Working
 * days skip weekends, bank holidays and the partnership's closure days; a deadline counted back
 * in calendar days that falls on a non-working day moves to the working day before it.
 */
export function computeDeadline(
  rules: RuleSet,
  key: RuleKey,
  anchor: string,
  calendar: WorkingCalendar,
): Deadline {
  const definition = ruleDefinition(key)
  const n = rules[key]
  const amount = describeAmount(definition.unit, n)
  const sign = definition.before ? '−' : '+'
  const start = `${definition.anchor ?? 'start'} on ${formatDate(anchor)} ${sign} ${amount}`
  if (definition.unit === 'working_days') {
    const { date, skipped } = calendar.explainWorkingDays(anchor, definition.before ? -n : n)
    const named = skipped.filter((s) => s.reason !== 'Saturday' && s.reason !== 'Sunday')
    const weekends = skipped.length - named.length
    const parts = [
      weekends ? `${weekends} weekend ${weekends === 1 ? 'day' : 'days'}` : '',
      ...named.map((s) => `${s.reason} (${formatDate(s.day)})`),
    ].filter(Boolean)
    return {
      date,
      explanation: `${formatDate(date)}: ${start}${parts.length ? `, skipping ${joinAnd(parts)}` : ''}`,
    }
  }
  if (definition.unit === 'months') {
    const date = addMonths(anchor, definition.before ? -n : n)
    return { date, explanation: `${formatDate(date)}: ${start}` }
  }
  if (definition.unit === 'calendar_days') {
    const counted = addCalendarDays(anchor, definition.before ? -n : n)
    const reason = calendar.nonWorkingReason(counted)
    if (definition.before && reason) {
      const date = calendar.addWorkingDays(counted, -1)
      return {
        date,
        explanation: `${formatDate(date)}: ${start} is ${formatDate(counted)} (${reason}), so the working day before`,
      }
    }
    return { date: counted, explanation: `${formatDate(counted)}: ${start}` }
  }
  throw new Error(`Rule ${key} is a count, not a deadline`)
}

function joinAnd(parts: string[]): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`
}
