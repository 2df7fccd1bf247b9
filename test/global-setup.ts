import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { openDatabase } from '../src/platform/db/client.ts'
import { runMigrations } from '../src/platform/db/migrate.ts'
import { serverUrl, testServerUrl } from './db-url.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteDump: string
    pgTemplate: string
  }
}

/**
 * Migrates once per run: a PGlite dump that each test file loads (~0.3 s), or a PostgreSQL
 * template database that each test file copies (~20 ms). Both are thrown away at the end.
 */
export default async function setup(project: TestProject) {
  const url = testServerUrl()
  if (url) {
    const name = `masa_test_${Date.now()}_${randomBytes(3).toString('hex')}`
    const admin = new pg.Client({ connectionString: serverUrl(url, 'postgres') })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${name}`)
    const template = await openDatabase({ url: serverUrl(url, name), poolSize: 1 })
    await runMigrations(template)
    await template.close()
    project.provide('pgTemplate', name)
    project.provide('pgliteDump', '')
    return async () => {
      const { rows } = await admin.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE $1`,
        [`${name}%`],
      )
      for (const row of rows) await admin.query(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`)
      await admin.end()
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'masa-test-'))
  const client = await PGlite.create()
  const database = await openDatabase({ pglite: client })
  await runMigrations(database)
  const dump = await client.dumpDataDir('none')
  const file = join(dir, 'migrated.tar')
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()))
  await database.close()
  project.provide('pgliteDump', file)
  project.provide('pgTemplate', '')
  return () => rmSync(dir, { recursive: true, force: true })
}
