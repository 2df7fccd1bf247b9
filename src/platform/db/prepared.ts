const cache = new WeakMap<object, Map<string, unknown>>()

/**
 * A query built and prepared once per database handle: Drizzle builds its SQL once and
 * PostgreSQL plans it once per connection, instead of on every request. For the few queries
 * every page runs (the session, the partnership, the rule set) and a page's own main query.
 * The name must be unique in the application; its placeholders carry the values.
 */
export function prepared<T>(db: object, name: string, build: (name: string) => T): T {
  let forDb = cache.get(db)
  if (!forDb) {
    forDb = new Map()
    cache.set(db, forDb)
  }
  let query = forDb.get(name) as T | undefined
  if (!query) {
    query = build(name)
    forDb.set(name, query)
  }
  return query
}
