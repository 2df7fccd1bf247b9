import { meetingTitle } from '../meetings/meetings.labels.ts'

export const actionPath = (slug: string, actionId: string) => `/p/${slug}/actions/${actionId}`
export const actionsRegisterPath = (slug: string) => `/p/${slug}/actions`

/** Where an action came from, in words: "Group, 12 March 2026, item 4. Budget" or the group alone. */
export function actionSourceText(source: {
  groupName: string
  meeting: { heldOn: string; kind: 'ordinary' | 'extraordinary' } | null
  item?: { position: number; title: string } | null
  decision?: { reference: string } | null
}): string {
  if (!source.meeting) return `${source.groupName} (not from a meeting)`
  const parts = [meetingTitle(source.meeting, source.groupName)]
  if (source.item) parts.push(`item ${source.item.position}. ${source.item.title}`)
  if (source.decision) parts.push(`decision ${source.decision.reference}`)
  return parts.join(', ')
}
