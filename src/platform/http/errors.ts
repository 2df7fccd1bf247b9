/**
 * Domain errors: one factory, a code, a message that is safe to show, and an HTTP status.
 * The error handler renders these as they are and hides everything else behind a 500 page.
 */
export class AppError extends Error {
  override name = 'AppError'
  readonly code: string
  readonly status: number
  constructor(code: string, message: string, status: number) {
    super(message)
    this.code = code
    this.status = status
  }
}

export const appError = (code: string, message: string, status = 400) => new AppError(code, message, status)
export const notFound = (message = 'Page not found') => appError('not_found', message, 404)
export const forbidden = (message = 'You do not have permission to see this page') =>
  appError('forbidden', message, 403)
export const unauthenticated = () => appError('unauthenticated', 'Sign in to continue', 401)
