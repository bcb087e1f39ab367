import type { TestApp } from './helpers';

export interface Person {
  token: string;
  id: string;
}

/** A signed-in person with these roles. */
export async function signedIn(t: TestApp, roles: string[], openid: string): Promise<Person> {
  const s = await t.loginAs(roles, openid);
  return { token: s.token, id: s.user.id };
}

/** Two advisors: 王顾问 at store SH-JINGAN and 李顾问 at BJ-CHAOYANG (display names + site staff). */
export async function twoAdvisors(t: TestApp, prefix: string): Promise<{ advisorA: Person; advisorB: Person }> {
  const advisorA = await signedIn(t, ['advisor'], `o${prefix}AdvisorA`);
  const advisorB = await signedIn(t, ['advisor'], `o${prefix}AdvisorB`);
  await t.conn.collection('advisor_profiles').insertMany([
    { _id: advisorA.id as never, displayName: '王顾问' },
    { _id: advisorB.id as never, displayName: '李顾问' },
  ]);
  await t.conn.collection('site_staff').insertMany([
    { _id: advisorA.id as never, siteCode: 'SH-JINGAN' },
    { _id: advisorB.id as never, siteCode: 'BJ-CHAOYANG' },
  ]);
  return { advisorA, advisorB };
}
