import { startServer } from '../src/server.ts'

await startServer()
