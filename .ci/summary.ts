// Prints CI's totals as one plain line, `N passed, N failed`, from Vitest's JSON reports.
// A report that is missing (its run crashed) or a failed step with no failed test counts as a failure.
import { existsSync, readFileSync } from 'node:fs'

const [failedSteps = '0', ...files] = process.argv.slice(2)
let passed = 0
let failed = 0
for (const file of files) {
  if (!existsSync(file)) {
    failed++
    continue
  }
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    numPassedTests: number
    numFailedTests: number
    success?: boolean
  }
  passed += report.numPassedTests
  failed += report.numFailedTests
}
if (failed === 0 && Number(failedSteps) > 0) failed = Number(failedSteps)
process.stdout.write(`${passed} passed, ${failed} failed\n`)
