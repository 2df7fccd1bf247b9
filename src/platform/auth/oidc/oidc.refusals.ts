import type { Refusal } from './oidc.service.ts'

export interface RefusalPage {
  status: number
  title: string
  paragraphs: string[]
}

const notCompleted = 'Your sign-in could not be completed'
const nothingChanged = 'Nothing has changed. Start again from the sign-in page.'

/**
 * What the person is told. The reason in the audit log is more exact; the page says what they
 * can do about it, and never more about other people's accounts than their own address.
 */
export function refusalPage(
  reason: Refusal,
  context: { label: string; partnershipName: string; email?: string; detail?: string },
): RefusalPage {
  const { label, partnershipName, email } = context
  switch (reason) {
    case 'unreachable':
      return {
        status: 502,
        title: `MASA could not reach ${label}`,
        paragraphs: ['Try again in a few minutes, or sign in with your e-mail address and password.'],
      }
    case 'missing_state':
      return {
        status: 400,
        title: notCompleted,
        paragraphs: ['It took too long, or it was started in another browser.', nothingChanged],
      }
    case 'settings_changed':
      return {
        status: 400,
        title: notCompleted,
        paragraphs: [
          `${partnershipName} changed its sign-in settings while you were signing in.`,
          nothingChanged,
        ],
      }
    case 'state_mismatch':
      return {
        status: 400,
        title: notCompleted,
        paragraphs: [
          'The answer MASA received does not belong to the sign-in started in this browser.',
          nothingChanged,
        ],
      }
    case 'provider_error':
      return context.detail?.startsWith('access_denied')
        ? {
            status: 403,
            title: 'You have not been signed in',
            paragraphs: [
              `${label} did not sign you in. You may have cancelled, or your organisation may not have given you access to MASA.`,
              'Start again from the sign-in page, or ask your organisation’s IT service desk.',
            ],
          }
        : {
            status: 400,
            title: `${label} could not sign you in`,
            paragraphs: ['Try again later, or sign in with your e-mail address and password.'],
          }
    case 'token_rejected':
    case 'wrong_issuer':
      return {
        status: 400,
        title: notCompleted,
        paragraphs: [`MASA could not confirm who you are from the answer ${label} gave.`, nothingChanged],
      }
    case 'no_email':
      return {
        status: 403,
        title: `${label} did not give MASA your e-mail address`,
        paragraphs: ['Ask your partnership’s business team to check the partnership’s sign-in settings.'],
      }
    case 'email_not_verified':
      return {
        status: 403,
        title: 'Your e-mail address has not been confirmed',
        paragraphs: [
          `${label} says that ${email ?? 'your e-mail address'} has not been verified, so MASA cannot use it to sign you in.`,
          'Ask your organisation’s IT service desk to confirm it, or sign in with your e-mail address and password.',
        ],
      }
    case 'no_account':
      return {
        status: 403,
        title: 'There is no MASA account for this e-mail address',
        paragraphs: [
          `There is no MASA account for ${email ?? 'this e-mail address'} in ${partnershipName}. Ask your partnership's business team to invite you.`,
        ],
      }
  }
}
