import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../../app.ts'
import { can } from '../access/policy.ts'
import { createCalendarRepository } from '../calendar/calendar.repository.ts'
import { type FormErrors, parseForm } from '../http/forms.ts'
import { describeAmount, type RuleKey, type RuleSet, ruleDefinitions } from './rules.definitions.ts'
import { computeDeadline, getRuleSet, updateRules } from './rules.service.ts'

const template = 'platform/rules/views/rules.njk'

const rulesForm = z.object(
  Object.fromEntries(
    ruleDefinitions.map((d) => [
      d.key,
      z
        .string({ error: `Enter a number for ${d.label.toLowerCase()}` })
        .trim()
        .min(1, `Enter a number for ${d.label.toLowerCase()}`)
        .regex(/^\d+$/, `${d.label} must be a whole number, like ${d.default}`)
        .transform(Number)
        .pipe(
          z
            .number()
            .min(d.min, `${d.label} must be ${d.min} or more`)
            .max(d.max, `${d.label} must be ${d.max} or fewer`),
        ),
    ]),
  ) as unknown as Record<RuleKey, z.ZodType<number, string>>,
)

export async function rulesRoutes(app: FastifyInstance, ctx: AppContext) {
  const calendars = createCalendarRepository(ctx.db)

  async function show(
    request: FastifyRequest,
    rules: RuleSet,
    options: { errors?: FormErrors; values?: Record<string, unknown>; flash?: string } = {},
  ) {
    const partnership = request.partnership!
    const calendar = await calendars.calendarFor(partnership.id)
    const today = ctx.now().toISOString().slice(0, 10)
    const rows = ruleDefinitions.map((d) => ({
      ...d,
      value: rules[d.key],
      amount: describeAmount(d.unit, rules[d.key]),
      sentence: d.sentence.replace('{n}', describeAmount(d.unit, rules[d.key])),
      example: d.unit === 'count' ? null : computeDeadline(rules, d.key, today, calendar).explanation,
    }))
    return {
      title: 'Rules and deadlines',
      rows,
      canEdit: can(request.actor, 'rules:edit', { partnershipId: partnership.id }),
      values: options.values ?? rules,
      errors: options.errors,
      flash: options.flash,
    }
  }

  app.get('/p/:slug/rules', { config: { permission: 'rules:view' } }, async (request, reply) => {
    const rules = await getRuleSet(ctx.db, request.partnership!.id)
    const saved = (request.query as { saved?: string }).saved
    const flash =
      saved === undefined
        ? undefined
        : saved === '0'
          ? 'No rules were changed'
          : `${saved} ${saved === '1' ? 'rule was' : 'rules were'} changed`
    return reply.render(template, await show(request, rules, { flash }))
  })

  app.post('/p/:slug/rules', { config: { permission: 'rules:edit' } }, async (request, reply) => {
    const partnership = request.partnership!
    const form = parseForm(rulesForm, request.body)
    if (!form.ok) {
      const rules = await getRuleSet(ctx.db, partnership.id)
      return reply
        .status(400)
        .render(template, await show(request, rules, { errors: form.errors, values: form.values }))
    }
    const changes = await updateRules(ctx.db, {
      partnershipId: partnership.id,
      actorId: request.user!.id,
      requestId: request.id,
      values: form.data,
      now: ctx.now(),
    })
    // Post, redirect, get: reloading the page does not send the form again.
    return reply.redirect(`/p/${partnership.slug}/rules?saved=${changes.length}`, 303)
  })
}
