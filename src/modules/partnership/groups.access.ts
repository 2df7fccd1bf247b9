import type { FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { notFound } from '../../platform/http/errors.ts'
import { findGroup, type Viewer } from './groups.service.ts'

const slugPattern = /^[a-z0-9-]{1,80}$/

/** A slug as URLs carry it; anything else is answered 404 before it reaches a query. */
export const isSlug = (value: string) => slugPattern.test(value)

/** Who is looking, for the confidential-group check: their role here and their account. */
export function viewerOf(request: FastifyRequest): Viewer {
  const actor = request.actor
  const role = actor && actor.kind !== 'token' ? actor.roles.get(request.partnership!.id) : null
  return { role, userId: request.user?.id ?? null }
}

/** The group named in the URL among those the partnership sees, or 404. */
export async function groupFromUrl(ctx: AppContext, request: FastifyRequest) {
  const { group: slug } = request.params as { group: string }
  const group = isSlug(slug) ? await findGroup(ctx.db, request.partnership!.id, slug) : null
  if (!group) throw notFound()
  return group
}
