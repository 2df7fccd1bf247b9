// npm run bench: the app against PostgreSQL with national-scale data, each page measured next to
// two baselines from the same run (a bare Fastify route, and the page's template rendered from
// fixed data). See bench/pages.ts for the pages and bench/generate.ts for the data.
// BENCH_PARTNERSHIPS (150), BENCH_YEARS (10) and BENCH_DURATION (10 s a target) make a quick run
// smaller: BENCH_PARTNERSHIPS=10 BENCH_YEARS=2 BENCH_DURATION=3 npm run bench.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { createApp } from '../src/app.ts'
import { sweepFailures } from '../src/modules/actions/compliance.sweep.ts'
import { sweepFlags } from '../src/modules/actions/flags.service.ts'
import type { Role } from '../src/platform/auth/auth.table.ts'
import { loadConfig } from '../src/platform/config/config.ts'
import { type Database, openDatabase } from '../src/platform/db/client.ts'
import { runMigrations } from '../src/platform/db/migrate.ts'
import { timeDashboardComputation } from './actions.ts'
import { listen, startBareServer, startTemplateServer } from './baselines.ts'
import { type Dataset, generateDataset } from './generate.ts'
import { type LoadResult, type LoadSettings, measure } from './load.ts'
import { exampleAccountEmail } from './meetings.ts'
import { type BenchPage, buildFixtures, pages } from './pages.ts'

const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres'
const root = fileURLToPath(new URL('..', import.meta.url))
const resultsFile = join(root, '.cache', 'bench-latest.json')

interface Row {
  target: string
  kind: 'bare' | 'template-only' | 'page'
  page?: string
  path: string
  result: LoadResult
  /** For a page: its req/s ÷ its template-only req/s, and its p95 ÷ the template-only p95. */
  rpsRatio?: number
  p95Ratio?: number
}

const out = (line = '') => process.stdout.write(`${line}\n`)

function positive(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n <= 0) {
    process.stderr.write(`${name} must be a positive number (got "${raw}")\n`)
    process.exit(1)
  }
  return n
}

const settings: LoadSettings = {
  connections: 10,
  durationSeconds: positive('BENCH_DURATION', 10),
  warmupSeconds: 2,
}
const partnershipCount = Math.round(positive('BENCH_PARTNERSHIPS', 150))
const years = Math.round(positive('BENCH_YEARS', 10))
/** The daily sweeps (compliance failures, attendance flags) over every partnership must finish within this. */
const SWEEP_TARGET_MS = 30_000
const serverUrl = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || DEFAULT_SERVER

/** The same server with another database. */
function withDatabase(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

/** A connection string fit to print. */
function redact(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return '(an unparsable connection string)'
  }
}

/** Runs one statement on the server's `postgres` database (to create and drop the throwaway one). */
async function onServer<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  const client = new pg.Client({
    connectionString: withDatabase(serverUrl, 'postgres'),
    connectionTimeoutMillis: 5000,
  })
  client.on('error', () => {})
  await client.connect()
  try {
    return (await client.query<T>(text)).rows
  } finally {
    await client.end()
  }
}

// Everything to undo at the end, latest first, whether the run succeeded, failed or was interrupted.
const cleanups: { name: string; run: () => Promise<unknown> }[] = []
let cleaning: Promise<void> | null = null
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const { name, run } of cleanups.reverse()) {
      try {
        await run()
      } catch (error) {
        process.stderr.write(`Could not ${name}: ${(error as Error).message}\n`)
      }
    }
  })()
  return cleaning
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping and dropping the benchmark database\n`)
    void cleanUp().then(() => process.exit(130))
  })
}

async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const form = await fetch(`${baseUrl}/sign-in`)
  const html = await form.text()
  const token = html.match(/name="_csrf" value="([^"]+)"/)?.[1]
  const csrfCookie = cookiePairs(form.headers).find((c) => c.startsWith('_csrf='))
  if (!form.ok || !token || !csrfCookie) throw new Error(`GET /sign-in gave no CSRF token (${form.status})`)
  const response = await fetch(`${baseUrl}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
    body: new URLSearchParams({ email, password, _csrf: token }).toString(),
  })
  const session = cookiePairs(response.headers).find((c) => c.startsWith('masa_session='))
  if (response.status !== 303 || !session) {
    throw new Error(`Signing in as ${email} failed: POST /sign-in answered ${response.status}`)
  }
  return `${csrfCookie}; ${session}`
}

/** `name=value` of each Set-Cookie header. */
const cookiePairs = (headers: Headers) => headers.getSetCookie().map((c) => c.split(';')[0] ?? '')

/** One request before measuring: the page answers 200 and is the page (not the sign-in form). */
async function checkPage(baseUrl: string, page: BenchPage, headers: Record<string, string>) {
  const response = await fetch(baseUrl + page.path, { headers, redirect: 'manual' })
  const body = await response.text()
  if (response.status !== 200 || !body.includes(page.expect)) {
    const where = response.headers.get('location')
    throw new Error(
      `${page.path} answered ${response.status}${where ? ` (to ${where})` : ''} without "${page.expect}"`,
    )
  }
}

const fixed = (n: number, digits = 2) => n.toFixed(digits)

function table(rows: Row[]): string {
  const header = ['target', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'non-2xx', 'rps ÷ tpl', 'p95 ÷ tpl']
  const lines = rows.map((r) => [
    r.target,
    fixed(r.result.rps, 1),
    fixed(r.result.p50),
    fixed(r.result.p95),
    fixed(r.result.p99),
    String(r.result.non2xx + r.result.errors),
    r.rpsRatio === undefined ? '' : fixed(r.rpsRatio),
    r.p95Ratio === undefined ? '' : `${fixed(r.p95Ratio)}×`,
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)))
  const format = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')
  return [format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(format)].join('\n')
}

/**
 * The daily sweeps over every partnership, timed: compliance failures then attendance flags, as
 * the jobs run them; then again, when there is nothing new to write.
 */
async function timeSweeps(database: Database) {
  const once = async () => {
    const now = new Date()
    const t0 = performance.now()
    const failures = await sweepFailures(database.db, { now })
    const t1 = performance.now()
    const flags = await sweepFlags(database.db, { now })
    const t2 = performance.now()
    return { ms: t2 - t0, failuresMs: t1 - t0, flagsMs: t2 - t1, failures, flags }
  }
  out('Sweeping compliance failures and attendance flags over every partnership…')
  const first = await once()
  const again = await once()
  for (const [label, run] of [
    ['first', first],
    ['again', again],
  ] as const) {
    out(
      `  ${label.padEnd(6)} sweepFailures ${fixed(run.failuresMs, 0)} ms ${JSON.stringify(run.failures)}, ` +
        `sweepFlags ${fixed(run.flagsMs, 0)} ms ${JSON.stringify(run.flags)}: ${fixed(run.ms / 1000)} s ` +
        `(target ${SWEEP_TARGET_MS / 1000} s)`,
    )
  }
  return { targetMs: SWEEP_TARGET_MS, first, again }
}

async function main(): Promise<number> {
  try {
    const [row] = await onServer<{ version: string }>('select version() as version')
    out(`PostgreSQL: ${redact(serverUrl)} (${row?.version.split(' on ')[0] ?? 'unknown version'})`)
  } catch (error) {
    process.stderr.write(
      `\nPostgreSQL is not reachable at ${redact(serverUrl)}: ${(error as Error).message}\n` +
        'Start PostgreSQL, or set BENCH_DATABASE_URL (or DATABASE_URL) to a server where this user may create databases.\n\n',
    )
    return 1
  }

  const name = `masa_bench_${Date.now()}`
  await onServer(`create database "${name}"`)
  cleanups.push({
    name: `drop database ${name}`,
    run: () => onServer(`drop database if exists "${name}" with (force)`),
  })
  const url = withDatabase(serverUrl, name)
  const dataDir = mkdtempSync(join(tmpdir(), 'masa-bench-'))
  cleanups.push({
    name: `remove ${dataDir}`,
    run: async () => rmSync(dataDir, { recursive: true, force: true }),
  })

  const database: Database = await openDatabase({ url })
  cleanups.push({ name: 'close the database pool', run: () => database.close() })
  await runMigrations(database)
  out(
    `Database ${name}: migrated. Generating ${partnershipCount} synthetic partnerships over ${years} years…`,
  )
  const dataset: Dataset = await generateDataset(database.db, {
    partnerships: partnershipCount,
    years,
    dataDir,
    log: out,
  })
  out(`Generated in ${fixed(dataset.ms / 1000)} s. Rows:`)
  out(
    `  ${Object.entries(dataset.counts)
      .map(([table, n]) => `${table} ${n}`)
      .join(', ')}`,
  )

  const sweeps = await timeSweeps(database)
  const dashboardCold = await timeDashboardComputation(database.db)
  out(
    `The dashboard's figures from the database (a first view, or the first after a change): median ` +
      `${fixed(dashboardCold.median)} ms, p95 ${fixed(dashboardCold.p95)} ms over 30 sequential computations.`,
  )

  const config = loadConfig({
    ...process.env,
    DATABASE_URL: url,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'production',
    SESSION_SECRET: 'x'.repeat(40),
    JOBS_ENABLED: 'false',
    PUBLIC_URL: 'http://localhost:3000',
  })
  // BENCH_LOG_LEVEL=error shows why a page failed; measuring runs silent.
  const logLevel = process.env.BENCH_LOG_LEVEL
  const logger = logLevel && logLevel !== 'silent' ? { level: logLevel } : false
  const appServer = await listen(await createApp({ config, database, logger }))
  cleanups.push({ name: 'stop the app', run: () => appServer.close() })
  const bare = await startBareServer()
  cleanups.push({ name: 'stop the bare server', run: () => bare.close() })
  const fixtures = buildFixtures({ partnerships: partnershipCount, db: database.db })
  const routes = []
  for (const p of pages)
    routes.push({ path: p.path, template: p.template, context: await p.context(fixtures) })
  const templates = await startTemplateServer(routes)
  cleanups.push({ name: 'stop the template server', run: () => templates.close() })

  const encoding = { 'accept-encoding': 'gzip, br' }
  const cookie = await signIn(appServer.url, dataset.signIn.email, dataset.signIn.password)
  // Pages measured as another of the example's accounts (they share the administrator's password).
  const cookies = new Map<Role, string>()
  for (const role of new Set(pages.flatMap((p) => (p.account ? [p.account] : [])))) {
    cookies.set(role, await signIn(appServer.url, exampleAccountEmail(role), dataset.signIn.password))
  }
  // Pages measured in a synthetic partnership, as one of its own people.
  const others = new Map<string, string>()
  for (const page of pages) {
    if (page.credentials && !others.has(page.credentials.email)) {
      others.set(
        page.credentials.email,
        await signIn(appServer.url, page.credentials.email, page.credentials.password),
      )
    }
  }
  const headersFor = (page: BenchPage): Record<string, string> => {
    if (!page.signedIn) return encoding
    const own = page.credentials ? others.get(page.credentials.email) : undefined
    return { ...encoding, cookie: own || (page.account && cookies.get(page.account)) || cookie }
  }
  for (const page of pages) await checkPage(appServer.url, page, headersFor(page))
  const accounts = [
    ...[...cookies.keys()].map((role) => `${exampleAccountEmail(role)} (${role})`),
    ...others.keys(),
  ]
  out(`Signed in as ${[dataset.signIn.email, ...accounts].join(' and ')}; every page answers 200.`)

  out()
  out(
    `Measuring: ${settings.connections} connections, ${settings.warmupSeconds} s warm-up then ` +
      `${settings.durationSeconds} s per target, autocannon in a child process (${cpus().length} CPUs).`,
  )
  const load = () =>
    loadavg()
      .map((n) => fixed(n))
      .join(' ')
  const loadBefore = load()
  out(`Load average before: ${loadBefore} (other work on the machine makes the numbers noisy).`)
  const rows: Row[] = []
  const run = async (row: Omit<Row, 'result'>, target: { url: string; headers: Record<string, string> }) => {
    const result = await measure(target, settings)
    out(`  ${row.target.padEnd(36)} ${fixed(result.rps, 1).padStart(9)} req/s  p95 ${fixed(result.p95)} ms`)
    const done = { ...row, result }
    rows.push(done)
    return done
  }

  await run({ target: 'bare fastify', kind: 'bare', path: '/' }, { url: `${bare.url}/`, headers: encoding })
  for (const page of pages) {
    const template = await run(
      { target: `${page.path} template-only`, kind: 'template-only', page: page.name, path: page.path },
      { url: templates.url + page.path, headers: encoding },
    )
    const real = await run(
      {
        target: `${page.path} page${page.signedIn ? ` (signed in${page.account ? ` as ${page.account}` : ''})` : ''}`,
        kind: 'page',
        page: page.name,
        path: page.path,
      },
      { url: appServer.url + page.path, headers: headersFor(page) },
    )
    real.rpsRatio = template.result.rps ? real.result.rps / template.result.rps : 0
    real.p95Ratio = template.result.p95 ? real.result.p95 / template.result.p95 : 0
  }

  const loadAfter = load()
  out()
  out(table(rows))
  out()
  out(
    'rps ÷ tpl: the page’s req/s over its template-only baseline (1.00 would be free of app and database cost).',
  )
  out('p95 ÷ tpl: the page’s 95th-percentile latency over the baseline’s.')
  out(`Load average after: ${loadAfter}`)
  out(
    `Sweeps over every partnership: ${fixed(sweeps.first.ms / 1000)} s (target ${SWEEP_TARGET_MS / 1000} s: ` +
      `${sweeps.first.ms <= SWEEP_TARGET_MS ? 'met' : 'MISSED'}); again, with nothing new: ${fixed(sweeps.again.ms / 1000)} s.`,
  )

  const failures = rows.filter((r) => r.result.non2xx > 0 || r.result.errors > 0)
  mkdirSync(join(root, '.cache'), { recursive: true })
  writeFileSync(
    resultsFile,
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        node: process.version,
        cpus: cpus().length,
        loadAverage: { before: loadBefore, after: loadAfter },
        settings,
        dataset: {
          partnerships: partnershipCount,
          years,
          ms: dataset.ms,
          steps: dataset.steps,
          counts: dataset.counts,
        },
        sweeps,
        dashboardCold,
        results: rows,
        ok: failures.length === 0,
      },
      null,
      2,
    )}\n`,
  )
  out(`Results: ${resultsFile}`)
  if (failures.length) {
    for (const f of failures) {
      process.stderr.write(
        `${f.target}: ${f.result.non2xx} non-2xx responses and ${f.result.errors} errors ` +
          `(status codes ${JSON.stringify(f.result.statusCodes)})\n`,
      )
    }
    return 1
  }
  return 0
}

let code = 1
try {
  code = await main()
} catch (error) {
  process.stderr.write(`\nThe benchmark failed: ${(error as Error).stack ?? error}\n`)
  code = 1
} finally {
  await cleanUp()
}
process.exit(code)
