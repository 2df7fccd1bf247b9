/** The PostgreSQL server tests run against, if any: TEST_DATABASE_URL, else DATABASE_URL. */
export function testServerUrl(): string {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || ''
}

/** The same server with another database name. */
export function serverUrl(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}
