import { eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../../app.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { parseForm } from '../http/forms.ts'
import { notificationPreferences } from './notify.table.ts'

const template = 'platform/notify/views/preferences.njk'
const title = 'How you get notices'

export const deliveryChoices = [
  { value: 'each', text: 'Send me each notice as it happens' },
  {
    value: 'daily',
    text: 'Send me one e-mail a day with all my notices',
    hint: 'Sent at 7am. Invitations then come without a calendar attachment: subscribe to your meetings in your calendar instead.',
  },
] as const

const preferenceForm = z.object({
  delivery: z.enum(['each', 'daily'], { message: 'Select how you want to get notices' }),
})

/** A person's choice between single notices and a daily digest (every partnership they belong to). */
export async function preferenceRoutes(app: FastifyInstance, ctx: AppContext) {
  const config = { permission: 'signed-in' as const }

  app.get('/account/notifications', { config }, async (request, reply) => {
    const daily = await dailyDigestChosen(ctx, request.user!.id)
    const saved = (request.query as { saved?: string }).saved !== undefined
    return reply.render(template, {
      title,
      choices: deliveryChoices,
      values: { delivery: daily ? 'daily' : 'each' },
      flash: saved ? 'Your choice has been saved' : undefined,
    })
  })

  app.post('/account/notifications', { config }, async (request, reply) => {
    const form = parseForm(preferenceForm, request.body)
    if (!form.ok) {
      return reply.status(400).render(template, {
        title,
        choices: deliveryChoices,
        errors: form.errors,
        values: form.values,
      })
    }
    const user = request.user!
    const dailyDigest = form.data.delivery === 'daily'
    const now = ctx.now()
    await ctx.db.transaction(async (tx) => {
      const [before] = await tx
        .select({ dailyDigest: notificationPreferences.dailyDigest })
        .from(notificationPreferences)
        .where(eq(notificationPreferences.userId, user.id))
      await tx
        .insert(notificationPreferences)
        .values({ userId: user.id, dailyDigest, updatedAt: now })
        .onConflictDoUpdate({
          target: notificationPreferences.userId,
          set: { dailyDigest, updatedAt: now },
        })
      await recordAudit(
        tx,
        {
          partnershipId: null,
          actorId: user.id,
          entityType: 'notification_preference',
          entityId: user.id,
          action: 'update',
          before: { dailyDigest: before?.dailyDigest ?? false },
          after: { dailyDigest },
          requestId: request.id,
        },
        now,
      )
    })
    return reply.redirect('/account/notifications?saved=1', 303)
  })
}

async function dailyDigestChosen(ctx: AppContext, userId: string): Promise<boolean> {
  const [row] = await ctx.db
    .select({ dailyDigest: notificationPreferences.dailyDigest })
    .from(notificationPreferences)
    .where(eq(notificationPreferences.userId, userId))
  return row?.dailyDigest ?? false
}
