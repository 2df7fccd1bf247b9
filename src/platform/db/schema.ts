// Every table, for Drizzle's relational queries and for drizzle-kit, which generates the migrations.

export * from '../../modules/partnership/import.table.ts'
export * from '../../modules/partnership/partnership.table.ts'
export * from '../../modules/partnership/structure.table.ts'
export * from '../audit/audit.table.ts'
export * from '../auth/auth.table.ts'
export * from '../calendar/calendar.table.ts'
export * from '../jobs/jobs.table.ts'
export * from '../notify/notify.table.ts'
export * from '../rules/rules.table.ts'
