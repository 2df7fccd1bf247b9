import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import type { ExtractTablesWithRelations } from 'drizzle-orm'
import { type SQL, sql } from 'drizzle-orm'
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres'
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import pg from 'pg'
import { acquireDataDirLock } from './lock.ts'
import * as schema from './schema.ts'

export type Schema = typeof schema
/** The one database type every repository takes: PGlite and node-postgres share it. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>
export type DbOrTx = Db | Tx

export interface Database {
  db: Db
  kind: 'pglite' | 'postgres'
  /** Answers whether the database can run a query now (for /readyz and the 503 page). */
  ping(): Promise<boolean>
  close(): Promise<void>
}

export interface DatabaseOptions {
  url?: string
  dataDir?: string
  /** An already-open PGlite (tests load one from a migrated dump). */
  pglite?: PGlite
  poolSize?: number
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) return openPostgres(options.url, options.poolSize ?? 10)
  if (options.pglite) return wrapPglite(options.pglite, async () => {})
  if (!options.dataDir) throw new Error('openDatabase needs a url, a dataDir or a pglite')
  mkdirSync(options.dataDir, { recursive: true })
  const release = acquireDataDirLock(options.dataDir)
  try {
    const client = await PGlite.create(join(options.dataDir, 'pglite'))
    return wrapPglite(client, async () => release())
  } catch (error) {
    release()
    throw error
  }
}

function wrapPglite(client: PGlite, afterClose: () => Promise<void>): Database {
  const db = drizzlePglite({ client, schema }) as unknown as Db
  return {
    db,
    kind: 'pglite',
    ping: () => ping(db),
    async close() {
      if (!client.closed) await client.close()
      await afterClose()
    },
  }
}

function openPostgres(url: string, max: number): Database {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5000 })
  // An idle client that loses its connection must not crash the process.
  pool.on('error', () => {})
  const db = drizzleNodePg({ client: pool, schema }) as unknown as Db
  return { db, kind: 'postgres', ping: () => ping(db), close: () => pool.end() }
}

async function ping(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`select 1`)
    return true
  } catch {
    return false
  }
}

/** The rows of a raw SQL query, typed by the caller: PGlite and node-postgres both answer `{ rows }`. */
export async function queryRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] }
  return result.rows
}
