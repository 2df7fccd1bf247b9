import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadActionsExample } from './modules/actions/actions.example.ts'
import { loadMeetingsExample } from './modules/meetings/meetings.example.ts'
import { applyPartnershipPreset, readPreset } from './modules/partnership/partnership.presets.ts'
import { listPartnerships } from './modules/partnership/partnership.repository.ts'
import {
  applySetPreset,
  applyStructurePreset,
  readJsonPreset,
  renewEndedTerms,
  setPresetSchema,
  structurePresetSchema,
} from './modules/partnership/structure.presets.ts'
import { loadReviewsExample } from './modules/reviews/reviews.example.ts'
import { recordAudit } from './platform/audit/audit.service.ts'
import type { Role } from './platform/auth/auth.table.ts'
import { createUser, findUserByEmail } from './platform/auth/users.repository.ts'
import { londonDate } from './platform/calendar/london-time.ts'
import type { Db } from './platform/db/client.ts'

export interface ExampleSignIn {
  email: string
  /** Known only when this start created the account, or when it was kept in the data folder. */
  password?: string
  /** The example's other accounts, one for each role, with the same password. */
  accounts: { email: string; role: Role }[]
}

/**
 * On an empty database, loads the Thurrock example (its structure from the seeds, fictional
 * people in every role, a year of meetings) and the SET collaboration. Passwords are generated,
 * never fixed (a demo password could survive into production), and kept in the data folder so
 * the person who started MASA can find them again.
 */
export async function loadExample(
  db: Db,
  options: { dataDir: string; now: Date },
): Promise<ExampleSignIn | null> {
  const preset = readPreset('thurrock')
  // Chairs' terms in the preset are dated; the example renews any that has ended by today.
  const structure = renewEndedTerms(
    readJsonPreset('thurrock', structurePresetSchema),
    londonDate(options.now),
  )
  const accounts = structure.accounts.map((a) => ({
    role: a.role,
    email: structure.people.find((p) => p.key === a.person)!.email.toLowerCase(),
  }))
  const passwordFile = join(options.dataDir, 'first-administrator.txt')
  const existing = await listPartnerships(db)
  if (existing.length > 0) {
    const admin = await findUserByEmail(db, preset.administrator.email)
    if (!admin) return null
    const kept = existsSync(passwordFile)
      ? readFileSync(passwordFile, 'utf8').match(/^password: (.+)$/m)?.[1]
      : undefined
    return { email: admin.email, password: kept, accounts }
  }
  const { partnership } = await applyPartnershipPreset(db, preset, options.now)
  const password = randomBytes(12).toString('base64url')
  const id = await createUser(db, {
    email: preset.administrator.email,
    name: preset.administrator.name,
    password,
    partnershipId: partnership.id,
    role: 'administrator',
  })
  await recordAudit(
    db,
    {
      partnershipId: partnership.id,
      entityType: 'user',
      entityId: id,
      action: 'create',
      after: { email: preset.administrator.email, role: 'administrator' },
    },
    options.now,
  )
  await applyStructurePreset(db, {
    partnershipId: partnership.id,
    preset: structure,
    now: options.now,
    accountPassword: password,
  })
  await loadMeetingsExample(db, { partnershipId: partnership.id, now: options.now })
  await loadActionsExample(db, { partnershipId: partnership.id, now: options.now })
  await loadReviewsExample(db, { partnershipId: partnership.id, now: options.now })
  await applySetPreset(db, readJsonPreset('set', setPresetSchema), options.now)
  mkdirSync(options.dataDir, { recursive: true })
  writeFileSync(
    passwordFile,
    [
      `email: ${preset.administrator.email}`,
      `password: ${password}`,
      '# The same password signs in the example account of each role:',
      ...accounts.map((a) => `# ${a.role}: ${a.email}`),
      '',
    ].join('\n'),
    { mode: 0o600 },
  )
  return { email: preset.administrator.email, password, accounts }
}
