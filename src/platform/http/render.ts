import type { FastifyInstance, FastifyReply } from 'fastify'
import type nunjucks from 'nunjucks'
import type { Partnership } from '../../modules/partnership/partnership.table.ts'
import { type Actor, can, type Permission } from '../access/policy.ts'

/** Adds `reply.render`, which gives every page the layout's context: the person, the partnership, the CSRF token and the CSP nonce. */
export function registerRender(app: FastifyInstance, views: nunjucks.Environment) {
  app.decorateReply(
    'render',
    function render(this: FastifyReply, template: string, context: Record<string, unknown> = {}) {
      const request = this.request
      const partnership = request.partnership
      const html = views.render(template, {
        user: request.user,
        partnership,
        navigation: partnership ? navigationFor(partnership, request.actor, request.url) : undefined,
        csrfToken: this.generateCsrf(),
        cspNonce: (this as unknown as { cspNonce?: { script: string } }).cspNonce?.script,
        requestId: request.id,
        // People in several partnerships get a link to choose another (the start page lists theirs).
        partnershipCount: request.actor?.roles?.size ?? 0,
        ...context,
      })
      return this.type('text/html; charset=utf-8').send(html)
    },
  )
}

const sections: { path: string; text: string; permission: Permission }[] = [
  { path: '', text: 'Overview', permission: 'partnership:view' },
  { path: '/my-meetings', text: 'My meetings', permission: 'meetings:view' },
  { path: '/meetings', text: 'Meetings', permission: 'meetings:view' },
  { path: '/decisions', text: 'Decisions', permission: 'meetings:view' },
  { path: '/actions', text: 'Actions', permission: 'actions:view' },
  { path: '/dashboard', text: 'Dashboard', permission: 'compliance:view' },
  { path: '/compliance', text: 'Compliance', permission: 'compliance:view' },
  { path: '/reviews', text: 'Reviews', permission: 'reviews:view' },
  { path: '/agencies', text: 'Agencies', permission: 'structure:view' },
  { path: '/groups', text: 'Groups', permission: 'structure:view' },
  { path: '/people', text: 'People', permission: 'structure:view' },
  { path: '/rules', text: 'Rules', permission: 'rules:view' },
  { path: '/users', text: 'Users', permission: 'users:manage' },
  { path: '/templates', text: 'Templates', permission: 'templates:edit' },
  { path: '/audit', text: 'Audit log', permission: 'audit:view' },
  { path: '/outbox', text: 'Outbox', permission: 'outbox:view' },
  { path: '/security', text: 'Security', permission: 'security:manage' },
  { path: '/api-tokens', text: 'API tokens', permission: 'tokens:manage' },
]

/** The partnership's sections this person may open, with the current one marked. */
export function navigationFor(partnership: Partnership, actor: Actor | null, url: string) {
  const base = `/p/${partnership.slug}`
  const path = url.split('?')[0] ?? ''
  return sections
    .filter((s) => can(actor, s.permission, { partnershipId: partnership.id }))
    .map((s) => ({
      href: base + s.path,
      text: s.text,
      active: s.path === '' ? path === base : path.startsWith(base + s.path),
    }))
}
