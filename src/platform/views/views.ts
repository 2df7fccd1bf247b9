import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import nunjucks from 'nunjucks'

const require = createRequire(import.meta.url)
export const srcDir = fileURLToPath(new URL('../../', import.meta.url))
export const govukDir = join(dirname(require.resolve('govuk-frontend/package.json')), 'dist')
export const mojDir = dirname(require.resolve('@ministryofjustice/frontend/package.json'))
export const govukVersion: string = require('govuk-frontend/package.json').version
export const mojVersion: string = require('@ministryofjustice/frontend/package.json').version

const longDate = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/London',
})
const dateTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
  timeZone: 'Europe/London',
})

/**
 * One Nunjucks environment for the whole app. Templates are named from `src/`
 * (`modules/partnership/views/start.njk`), and the GOV.UK and MOJ macros by their own paths
 * (`govuk/components/button/macro.njk`, `moj/components/timeline/macro.njk`).
 */
export function createViews(options: { watch?: boolean } = {}): nunjucks.Environment {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader([srcDir, govukDir, mojDir], { watch: options.watch }),
    {
      autoescape: true,
      throwOnUndefined: false,
      trimBlocks: true,
      lstripBlocks: true,
    },
  )
  env.addFilter('date', (value: string | Date | null | undefined) => {
    if (!value) return ''
    const d = typeof value === 'string' ? new Date(value.length === 10 ? `${value}T12:00:00Z` : value) : value
    return longDate.format(d)
  })
  env.addFilter('dateTime', (value: Date | string | null | undefined) =>
    value ? dateTime.format(new Date(value)) : '',
  )
  env.addGlobal('govukAssets', `/assets/govuk-${govukVersion}`)
  env.addGlobal('mojAssets', `/assets/moj-${mojVersion}`)
  return env
}
