import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export interface LoadTarget {
  url: string
  headers?: Record<string, string>
}

export interface LoadSettings {
  connections: number
  durationSeconds: number
  /** A run of this length before each measured run, whose numbers are thrown away. */
  warmupSeconds: number
}

export type LoadRequest = LoadTarget & LoadSettings

export interface LoadResult {
  /** Mean requests per second over the measured run's one-second samples. */
  rps: number
  /** Responses received in the measured run. */
  requests: number
  seconds: number
  /** Latency percentiles in milliseconds. */
  p50: number
  p95: number
  p99: number
  non2xx: number
  /** Connection errors and timeouts. */
  errors: number
  statusCodes: Record<string, number>
}

const child = fileURLToPath(new URL('./load-child.ts', import.meta.url))

// A run stopped early (Ctrl+C, a failure) takes its load generators with it.
const running = new Set<ChildProcess>()
process.on('exit', () => {
  for (const proc of running) proc.kill()
})

/**
 * Drives one URL with autocannon from a child process, so the load generator and the server each
 * have a core (the server and PostgreSQL share what is left). Every target is measured this way,
 * so the ratios between them are fair.
 */
export function measure(target: LoadTarget, settings: LoadSettings): Promise<LoadResult> {
  const request: LoadRequest = { ...target, ...settings }
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, JSON.stringify(request)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    running.add(proc)
    const limit = (settings.durationSeconds + settings.warmupSeconds + 30) * 1000
    const timer = setTimeout(() => proc.kill('SIGKILL'), limit)
    let stdout = ''
    proc.stdout.setEncoding('utf8')
    proc.stdout.on('data', (chunk: string) => {
      stdout += chunk
    })
    proc.on('error', (error) => {
      running.delete(proc)
      clearTimeout(timer)
      reject(error)
    })
    proc.on('close', (code, signal) => {
      running.delete(proc)
      clearTimeout(timer)
      if (code !== 0) {
        reject(new Error(`autocannon for ${target.url} stopped (${signal ?? `exit code ${code}`})`))
        return
      }
      try {
        resolve(JSON.parse(stdout) as LoadResult)
      } catch {
        reject(new Error(`autocannon for ${target.url} gave no result: ${stdout.slice(0, 200)}`))
      }
    })
  })
}
