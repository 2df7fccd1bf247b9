import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { inject } from 'vitest'
import { type Database, openDatabase } from '../src/platform/db/client.ts'
import { serverUrl, testServerUrl } from './db-url.ts'

/**
 * A database of this test file's own, with the migrations applied: PGlite by default,
 * PostgreSQL when TEST_DATABASE_URL or DATABASE_URL is set. Close it in afterAll.
 */
export async function createTestDatabase(): Promise<Database> {
  const template = inject('pgTemplate')
  if (template) {
    const url = testServerUrl()
    const name = `${template}_${randomBytes(4).toString('hex')}`
    const admin = new pg.Client({ connectionString: serverUrl(url, 'postgres') })
    await admin.connect()
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`)
    } finally {
      await admin.end()
    }
    const database = await openDatabase({ url: serverUrl(url, name), poolSize: 4 })
    const close = database.close
    return {
      ...database,
      async close() {
        await close()
        const drop = new pg.Client({ connectionString: serverUrl(url, 'postgres') })
        await drop.connect()
        await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
        await drop.end()
      },
    }
  }
  const dump = readFileSync(inject('pgliteDump'))
  const client = await PGlite.create({ loadDataDir: new Blob([dump]) })
  return openDatabase({ pglite: client })
}
