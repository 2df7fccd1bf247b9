/** What scripts/e2e.ts passes to the browser tests: where the server is and who may sign in. */
export interface E2eEnv {
  baseUrl: string
  adminEmail: string
  adminPassword: string
}

export function e2eEnv(): E2eEnv {
  const { E2E_BASE_URL, E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD } = process.env
  if (!E2E_BASE_URL || !E2E_ADMIN_EMAIL || !E2E_ADMIN_PASSWORD) {
    throw new Error(
      'E2E_BASE_URL, E2E_ADMIN_EMAIL and E2E_ADMIN_PASSWORD are not set: run the browser tests with `npm run test:e2e`, which starts the server.',
    )
  }
  return { baseUrl: E2E_BASE_URL, adminEmail: E2E_ADMIN_EMAIL, adminPassword: E2E_ADMIN_PASSWORD }
}
