import { formatDate } from '../../platform/calendar/dates.ts'
import type { FailureKind, LetterRow } from './compliance.service.ts'

// How failures and letters read on the compliance pages: dates in words and tags for status.

export const failureTag = (kind: FailureKind, respondedOn: string | null) =>
  kind === 'late' || respondedOn
    ? { text: 'Answered late', classes: 'govuk-tag--yellow' }
    : { text: 'Not answered', classes: 'govuk-tag--red' }

export function failureView<
  T extends { actionId: string; dueOn: string; kind: FailureKind; respondedOn: string | null },
>(slug: string, failure: T) {
  return {
    ...failure,
    href: `/p/${slug}/actions/${failure.actionId}`,
    due: formatDate(failure.dueOn),
    answered: failure.respondedOn ? formatDate(failure.respondedOn) : null,
    tag: failureTag(failure.kind, failure.respondedOn),
  }
}

export function letterStatus(letter: Pick<LetterRow, 'sentOn' | 'replaced'>) {
  if (letter.sentOn) return { text: `Sent ${formatDate(letter.sentOn)}`, classes: 'govuk-tag--green' }
  if (letter.replaced) return { text: 'Replaced by a later draft', classes: 'govuk-tag--grey' }
  return { text: 'Draft', classes: 'govuk-tag--blue' }
}

export function letterView(slug: string, letter: LetterRow) {
  return {
    ...letter,
    href: `/p/${slug}/compliance/letters/${letter.id}`,
    agencyHref: `/p/${slug}/agencies/${letter.agencyId}/compliance`,
    status: letterStatus(letter),
  }
}
