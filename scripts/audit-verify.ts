// `npm run audit:verify`: checks the audit log's hash chain; exits 1 naming each entry that fails.
import { main } from '../src/cli/main.ts'

process.exitCode = await main(['audit:verify', ...process.argv.slice(2)])
