import type { FastifyInstance } from 'fastify'

const pages = {
  '/accessibility': { template: 'accessibility', title: 'Accessibility statement' },
  '/privacy': { template: 'privacy', title: 'Privacy notice' },
  '/cookies': { template: 'cookies', title: 'Cookies' },
}

export async function staticPageRoutes(app: FastifyInstance) {
  for (const [url, page] of Object.entries(pages)) {
    app.get(url, { config: { permission: 'public' } }, async (_request, reply) =>
      reply.render(`platform/views/pages/${page.template}.njk`, { title: page.title }),
    )
  }
}
