import { type TestApp, TestClient } from '../../../test/app.ts'
import type { MeetingWorld } from './meetings.fixtures.ts'

// The harness of the modules' permission tests: one signed-in client per kind of person, and a
// walk over pages that answers what each got. 200 allowed, 403 refused, 404 outside the
// partnership, 303 sent to sign in. In a MeetingWorld `head` sits on the group and
// `otherMember` (member role) does not.

export type Who =
  | 'anonymous'
  | 'administrator'
  | 'businessTeam'
  | 'chair'
  | 'head'
  | 'partner'
  | 'otherMember'
  | 'scrutineer'
  | 'outsider'

export const everyone: Who[] = [
  'anonymous',
  'administrator',
  'businessTeam',
  'chair',
  'head',
  'partner',
  'otherMember',
  'scrutineer',
  'outsider',
]

export type Expected = Record<Who, number>

/** Signs each kind of person in; `outsider` is an administrator of another partnership. */
export async function clientsFor(
  t: TestApp,
  world: MeetingWorld,
  outsider: { email: string; password: string },
): Promise<Map<Who, TestClient>> {
  const clients = new Map<Who, TestClient>()
  for (const who of everyone) {
    const client = new TestClient(t.app)
    const account = who === 'outsider' ? outsider : who === 'anonymous' ? null : world.accounts[who]
    if (account) await client.signIn(account.email, account.password)
    clients.set(who, client)
  }
  return clients
}

/** What every person got on every page, next to what they should get: compare the two whole. */
export async function walk(clients: Map<Who, TestClient>, pages: [string, Expected][]) {
  const got: Record<string, Record<string, number>> = {}
  const want: Record<string, Record<string, number>> = {}
  for (const [url, expected] of pages) {
    got[url] = {}
    want[url] = expected
    for (const who of everyone) got[url]![who] = (await clients.get(who)!.get(url)).statusCode
  }
  return { got, want }
}
