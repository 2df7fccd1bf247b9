/**
 * Browser tests against the real server: `npm run test:e2e [-- vitest arguments]`.
 *
 * Starts MASA exactly as `npm start` does, on a fresh data folder (the embedded database unless
 * E2E_DATABASE_URL names a PostgreSQL database), waits until /readyz answers, reads the first
 * administrator's sign-in from the data folder, runs `vitest --config vitest.e2e.config.ts`, and
 * always stops the server and removes the folder. The exit code is vitest's.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const readyTimeoutMs = 60_000
const stopTimeoutMs = 10_000

/** A port nobody listens on right now, from the operating system. */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => {
        if (address && typeof address === 'object') resolvePort(address.port)
        else reject(new Error('No free port was given'))
      })
    })
  })
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Resolves when /readyz answers 200; rejects when the server exits or the time runs out. */
async function waitUntilReady(baseUrl: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + readyTimeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the server exited (${child.exitCode ?? child.signalCode}) before it was ready`)
    }
    try {
      const response = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2_000) })
      await response.body?.cancel()
      if (response.status === 200) return
    } catch {
      // Not listening yet.
    }
    await sleep(100)
  }
  throw new Error(`/readyz did not answer 200 within ${readyTimeoutMs / 1000} s`)
}

/** SIGTERM lets the server close its database; SIGKILL if it does not stop in time. */
async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  child.kill('SIGTERM')
  const stopped = await Promise.race([exited.then(() => true), sleep(stopTimeoutMs).then(() => false)])
  if (!stopped) {
    child.kill('SIGKILL')
    await exited
  }
}

function readAdministrator(dataDir: string): { email: string; password: string } {
  const file = join(dataDir, 'first-administrator.txt')
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8')
    const email = text.match(/^email: (.+)$/m)?.[1]?.trim()
    const password = text.match(/^password: (.+)$/m)?.[1]?.trim()
    if (email && password) return { email, password }
    throw new Error(`${file} does not hold an "email:" and a "password:" line`)
  }
  // A PostgreSQL database that already held the example: the caller must say who signs in.
  const email = process.env.E2E_ADMIN_EMAIL
  const password = process.env.E2E_ADMIN_PASSWORD
  if (email && password) return { email, password }
  throw new Error(
    `${file} was not written (the database was not empty?). Use an empty database, or set E2E_ADMIN_EMAIL and E2E_ADMIN_PASSWORD.`,
  )
}

function runVitest(env: Record<string, string>): Promise<number> {
  return new Promise((resolveCode) => {
    const vitest = spawn(
      process.execPath,
      [
        join(root, 'node_modules', 'vitest', 'vitest.mjs'),
        'run',
        '--config',
        'vitest.e2e.config.ts',
        ...process.argv.slice(2),
      ],
      { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } },
    )
    vitest.on('error', (error) => {
      process.stderr.write(`Could not run vitest: ${error.message}\n`)
      resolveCode(1)
    })
    vitest.on('exit', (code, signal) => resolveCode(code ?? (signal ? 1 : 0)))
  })
}

async function main(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'masa-e2e-'))
  const port = await freePort()
  const baseUrl = `http://127.0.0.1:${port}`
  let output = ''
  let server: ChildProcess | undefined

  const cleanUp = async () => {
    if (server) await stopServer(server)
    rmSync(dataDir, { recursive: true, force: true })
  }
  const interrupted = (signal: NodeJS.Signals) => {
    void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143))
  }
  process.once('SIGINT', interrupted)
  process.once('SIGTERM', interrupted)

  try {
    const spawnedAt = performance.now()
    server = spawn(process.execPath, [join(root, 'scripts', 'start.ts')], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: baseUrl,
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        NODE_ENV: 'test',
        DATABASE_URL: process.env.E2E_DATABASE_URL ?? '',
        SEED_EXAMPLE: 'true',
      },
    })
    server.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    server.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })

    try {
      await waitUntilReady(baseUrl, server)
    } catch (error) {
      process.stderr.write(`\nThe server did not become ready: ${(error as Error).message}\n`)
      process.stderr.write(`--- server output ---\n${output}\n---------------------\n`)
      return 1
    }
    const seconds = (performance.now() - spawnedAt) / 1000
    const database = process.env.E2E_DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'
    process.stdout.write(
      `MASA was ready at ${baseUrl} on ${database} ${seconds.toFixed(1)} s after it was started (promise: < 60 s).\n`,
    )

    const admin = readAdministrator(dataDir)
    const code = await runVitest({
      E2E_BASE_URL: baseUrl,
      E2E_ADMIN_EMAIL: admin.email,
      E2E_ADMIN_PASSWORD: admin.password,
    })
    // The server logs warnings and errors only: worth reading when a test failed.
    const logged = output.split('\n').filter((line) => line.startsWith('{'))
    if (code !== 0 && logged.length) {
      process.stderr.write(`--- server warnings and errors ---\n${logged.join('\n')}\n`)
    }
    return code
  } finally {
    await cleanUp()
  }
}

process.exitCode = await main()
