import { createHash, randomUUID } from 'node:crypto'
import { and, asc, desc, eq, isNull, max, sql } from 'drizzle-orm'
import { auditChange, type ChangeContext } from '../../platform/audit/audit.service.ts'
import { users } from '../../platform/auth/auth.table.ts'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import { appError, notFound } from '../../platform/http/errors.ts'
import { openMeetingForChange } from './agenda.service.ts'
import { agendaItems } from './meetings.table.ts'
import type { PaperFileType } from './papers.filetype.ts'
import { isPaperLate } from './papers.rules.ts'
import { circulations, type Paper, papers, paperVersions } from './papers.table.ts'

// A meeting's papers: each a title (under an agenda item or not) with its uploaded versions.
// Lists never read a file's content; only a download does, one version at a time.

export interface PaperVersionInfo {
  id: string
  version: number
  filename: string
  contentType: string
  size: number
  uploadedAt: Date
  uploadedBy: string | null
}

export interface PaperSummary {
  id: string
  title: string
  restricted: boolean
  agendaItemId: string | null
  agendaItemTitle: string | null
  firstCirculatedAt: Date | null
  withdrawnAt: Date | null
  withdrawnReason: string | null
  latest: PaperVersionInfo
  versions: number
  /** First circulated after the deadline, or not circulated and the deadline has passed. */
  late: boolean
  /** Never circulated, or a version uploaded since the meeting's last circulation of papers. */
  toCirculate: boolean
}

export interface MeetingPapers {
  papers: PaperSummary[]
  /** Papers not withdrawn that the viewer may see. */
  count: number
  lateCount: number
}

const toDate = (value: Date | string | null) => (value === null ? null : new Date(value))

/**
 * The meeting's papers with their latest version (never the content), whether each was late and
 * whether it still has to be circulated, in one query: DISTINCT ON picks each paper's latest
 * version and a window counts its versions. Restricted papers are left out (not even counted)
 * for a viewer who may not see them; withdrawn papers only when asked for.
 */
export async function papersForMeeting(
  db: DbOrTx,
  meetingId: string,
  options: { canSeeRestricted: boolean; deadline: string | null; today: string; includeWithdrawn?: boolean },
): Promise<MeetingPapers> {
  const latest = db
    .selectDistinctOn([paperVersions.paperId], {
      paperId: paperVersions.paperId,
      versionId: sql<string>`${paperVersions.id}`.as('version_id'),
      version: paperVersions.version,
      filename: paperVersions.filename,
      contentType: paperVersions.contentType,
      size: paperVersions.size,
      uploadedAt: paperVersions.uploadedAt,
      uploadedBy: sql<string | null>`${users.name}`.as('uploaded_by'),
      versions: sql<number>`count(*) over (partition by ${paperVersions.paperId})::int`.as('versions'),
    })
    .from(paperVersions)
    .innerJoin(papers, eq(papers.id, paperVersions.paperId))
    .leftJoin(users, eq(users.id, paperVersions.uploadedById))
    .where(eq(papers.meetingId, meetingId))
    .orderBy(paperVersions.paperId, desc(paperVersions.version))
    .as('latest')
  const lastCirculation = sql<Date | string | null>`(select max(c.created_at) from ${circulations} c
    where c.meeting_id = ${papers.meetingId} and c.kind = 'papers')`
  const rows = await db
    .select({
      id: papers.id,
      title: papers.title,
      restricted: papers.restricted,
      agendaItemId: papers.agendaItemId,
      agendaItemTitle: agendaItems.title,
      firstCirculatedAt: papers.firstCirculatedAt,
      withdrawnAt: papers.withdrawnAt,
      withdrawnReason: papers.withdrawnReason,
      lastCirculation,
      latest: {
        id: latest.versionId,
        version: latest.version,
        filename: latest.filename,
        contentType: latest.contentType,
        size: latest.size,
        uploadedAt: latest.uploadedAt,
        uploadedBy: latest.uploadedBy,
      },
      versions: latest.versions,
    })
    .from(papers)
    .innerJoin(latest, eq(latest.paperId, papers.id))
    .leftJoin(agendaItems, eq(agendaItems.id, papers.agendaItemId))
    .where(
      and(
        eq(papers.meetingId, meetingId),
        options.canSeeRestricted ? undefined : eq(papers.restricted, false),
        options.includeWithdrawn ? undefined : isNull(papers.withdrawnAt),
      ),
    )
    .orderBy(
      sql`${agendaItems.position} asc nulls last`,
      asc(papers.createdAt),
      asc(papers.title),
      asc(papers.id),
    )
  const list = rows.map(({ lastCirculation: last, ...row }): PaperSummary => {
    const circulatedUntil = toDate(last)
    const uploadedAt = new Date(row.latest.uploadedAt)
    return {
      ...row,
      latest: { ...row.latest, uploadedAt },
      versions: Number(row.versions),
      late:
        row.withdrawnAt === null && options.deadline !== null
          ? isPaperLate(row.firstCirculatedAt, options.deadline, options.today)
          : false,
      toCirculate:
        row.withdrawnAt === null &&
        (row.firstCirculatedAt === null || (circulatedUntil !== null && uploadedAt > circulatedUntil)),
    }
  })
  const standing = list.filter((p) => p.withdrawnAt === null)
  return { papers: list, count: standing.length, lateCount: standing.filter((p) => p.late).length }
}

/** Every version of the meeting's papers (never the content), newest first, for the version lists. */
export async function versionsForMeeting(db: DbOrTx, meetingId: string) {
  const rows = await db
    .select({
      paperId: paperVersions.paperId,
      id: paperVersions.id,
      version: paperVersions.version,
      filename: paperVersions.filename,
      contentType: paperVersions.contentType,
      size: paperVersions.size,
      uploadedAt: paperVersions.uploadedAt,
      uploadedBy: users.name,
    })
    .from(paperVersions)
    .innerJoin(papers, eq(papers.id, paperVersions.paperId))
    .leftJoin(users, eq(users.id, paperVersions.uploadedById))
    .where(eq(papers.meetingId, meetingId))
    .orderBy(asc(paperVersions.paperId), desc(paperVersions.version))
  return Map.groupBy(rows, (r) => r.paperId)
}

/** A paper of the meeting (without its versions), or null. */
export async function findPaper(db: DbOrTx, meetingId: string, paperId: string): Promise<Paper | null> {
  const [row] = await db
    .select()
    .from(papers)
    .where(and(eq(papers.id, paperId), eq(papers.meetingId, meetingId)))
  return row ?? null
}

/** One version of a paper with its content (the latest when `version` is 'latest'), or null. */
export async function paperFile(db: DbOrTx, paperId: string, version: number | 'latest') {
  const [row] = await db
    .select({
      version: paperVersions.version,
      filename: paperVersions.filename,
      contentType: paperVersions.contentType,
      size: paperVersions.size,
      content: paperVersions.content,
    })
    .from(paperVersions)
    .where(
      and(
        eq(paperVersions.paperId, paperId),
        version === 'latest' ? undefined : eq(paperVersions.version, version),
      ),
    )
    .orderBy(desc(paperVersions.version))
    .limit(1)
  if (!row) return null
  const content = Buffer.from(row.content.buffer, row.content.byteOffset, row.content.byteLength)
  return { ...row, content }
}

export interface PaperUpload {
  filename: string
  content: Uint8Array
  type: PaperFileType
}

async function insertVersion(
  tx: DbOrTx,
  change: ChangeContext,
  paperId: string,
  version: number,
  file: PaperUpload,
) {
  const id = randomUUID()
  const sha256 = createHash('sha256').update(file.content).digest('hex')
  await tx.insert(paperVersions).values({
    id,
    partnershipId: change.partnershipId,
    paperId,
    version,
    filename: file.filename,
    contentType: file.type.contentType,
    size: file.content.byteLength,
    sha256,
    content: file.content,
    uploadedById: change.actorId,
    uploadedAt: change.now,
  })
  await auditChange(tx, change, { type: 'paper_version', id }, 'upload', null, {
    paperId,
    version,
    filename: file.filename,
    contentType: file.type.contentType,
    size: file.content.byteLength,
    sha256,
  })
  return { id, version }
}

/** The agenda item a paper goes under must be a standing item of the same meeting. */
async function checkAgendaItem(tx: DbOrTx, meetingId: string, agendaItemId: string | null) {
  if (!agendaItemId) return
  const [item] = await tx
    .select({ id: agendaItems.id })
    .from(agendaItems)
    .where(
      and(
        eq(agendaItems.id, agendaItemId),
        eq(agendaItems.meetingId, meetingId),
        isNull(agendaItems.withdrawnAt),
      ),
    )
  if (!item) throw appError('invalid', 'Select an agenda item from the list', 400)
}

/** Adds a paper with its first version. */
export async function addPaper(
  db: Db,
  change: ChangeContext,
  input: {
    meetingId: string
    title: string
    agendaItemId: string | null
    restricted: boolean
    file: PaperUpload
  },
): Promise<{ paperId: string; versionId: string }> {
  return db.transaction(async (tx) => {
    await openMeetingForChange(tx, input.meetingId)
    await checkAgendaItem(tx, input.meetingId, input.agendaItemId)
    const paperId = randomUUID()
    const fields = { title: input.title, agendaItemId: input.agendaItemId, restricted: input.restricted }
    await tx.insert(papers).values({
      id: paperId,
      partnershipId: change.partnershipId,
      meetingId: input.meetingId,
      ...fields,
      createdById: change.actorId,
      createdAt: change.now,
    })
    await auditChange(tx, change, { type: 'paper', id: paperId }, 'add', null, {
      meetingId: input.meetingId,
      ...fields,
    })
    const version = await insertVersion(tx, change, paperId, 1, input.file)
    return { paperId, versionId: version.id }
  })
}

async function lockedPaper(tx: DbOrTx, meetingId: string, paperId: string): Promise<Paper> {
  const [paper] = await tx
    .select()
    .from(papers)
    .where(and(eq(papers.id, paperId), eq(papers.meetingId, meetingId)))
    .for('update')
  if (!paper) throw notFound()
  if (paper.withdrawnAt) throw appError('withdrawn', 'This paper was withdrawn: it cannot be changed', 409)
  return paper
}

/** Adds the next version of a paper (numbered after the highest so far); the earlier ones are kept. */
export async function addPaperVersion(
  db: Db,
  change: ChangeContext,
  input: { meetingId: string; paperId: string; file: PaperUpload },
): Promise<{ versionId: string; version: number }> {
  return db.transaction(async (tx) => {
    await openMeetingForChange(tx, input.meetingId)
    const paper = await lockedPaper(tx, input.meetingId, input.paperId)
    const [last] = await tx
      .select({ version: max(paperVersions.version) })
      .from(paperVersions)
      .where(eq(paperVersions.paperId, paper.id))
    const added = await insertVersion(tx, change, paper.id, (last?.version ?? 0) + 1, input.file)
    return { versionId: added.id, version: added.version }
  })
}

/** Withdraws a paper with a reason: it stays on record with its versions, off the meeting's list. */
export async function withdrawPaper(
  db: Db,
  change: ChangeContext,
  input: { meetingId: string; paperId: string; reason: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    await openMeetingForChange(tx, input.meetingId)
    const paper = await lockedPaper(tx, input.meetingId, input.paperId)
    await tx
      .update(papers)
      .set({ withdrawnAt: change.now, withdrawnReason: input.reason })
      .where(eq(papers.id, paper.id))
    await auditChange(
      tx,
      change,
      { type: 'paper', id: paper.id },
      'withdraw',
      { withdrawnAt: null },
      { withdrawnAt: change.now, withdrawnReason: input.reason, title: paper.title },
    )
  })
}

/** "1.2 MB", "34 KB", "512 bytes". */
export function fileSizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`
}
