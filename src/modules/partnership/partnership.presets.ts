import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { recordAudit } from '../../platform/audit/audit.service.ts'
import type { Db } from '../../platform/db/client.ts'
import { findPartnershipBySlug, insertPartnership } from './partnership.repository.ts'

/** A preset is data: a partnership's name, area, vision, aims and principles. Later modules extend it. */
export const presetSchema = z.object({
  partnership: z.object({
    slug: z.string().regex(/^[a-z0-9-]+$/),
    name: z.string().min(1),
    shortName: z.string().min(1),
    area: z.string().min(1),
    vision: z.string(),
    aims: z.array(z.string().min(1)),
    principles: z.array(z.string().min(1)),
  }),
  administrator: z.object({ name: z.string().min(1), email: z.email() }),
})
export type Preset = z.infer<typeof presetSchema>

export function readPreset(name: string): Preset {
  const file = new URL(`../../../presets/${name}.json`, import.meta.url)
  return presetSchema.parse(JSON.parse(readFileSync(file, 'utf8')))
}

/** Creates the partnership if it is not there; running it again changes nothing. */
export async function applyPartnershipPreset(db: Db, preset: Preset, now: Date) {
  const existing = await findPartnershipBySlug(db, preset.partnership.slug)
  if (existing) return { partnership: existing, created: false }
  const values = { id: randomUUID(), ...preset.partnership, createdAt: now }
  await db.transaction(async (tx) => {
    await insertPartnership(tx, values)
    await recordAudit(
      tx,
      {
        partnershipId: values.id,
        entityType: 'partnership',
        entityId: values.id,
        action: 'create',
        after: preset.partnership,
      },
      now,
    )
  })
  const partnership = await findPartnershipBySlug(db, preset.partnership.slug)
  return { partnership: partnership!, created: true }
}
