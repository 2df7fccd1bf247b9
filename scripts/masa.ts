// `npm run masa -- <command>`: the operators' command line (src/cli). `npm run masa -- help` lists the commands.
import { main } from '../src/cli/main.ts'

process.exitCode = await main(process.argv.slice(2))
