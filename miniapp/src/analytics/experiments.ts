import { useEffect, useState } from 'react'
import { get, getToken } from '../api/client'
import { analytics } from './index'

export interface Assignment {
  variant: string
  status: 'running' | 'shipped' | 'stopped'
}

// One request per experiment, launch and sign-in state: the BFF counts the exposure at the first
// answer, so only an experiment whose page is actually shown is asked for (asking for all would
// count buyers who never saw the change and dilute its effect); a signed-in buyer (bucketed by user
// id) gets a different answer from a visitor.
const cached = new Map<string, Promise<Assignment | null>>()

export function fetchAssignment(experiment: string): Promise<Assignment | null> {
  const anonymousId = analytics().anonId
  const who = `${getToken() ?? ''}|${anonymousId}|${experiment}`
  let answer = cached.get(who)
  if (!answer) {
    const asked: Promise<Assignment | null> = get<{ assignments: Record<string, Assignment> }>('/api/v1/experiments/assignments', { anonymousId, keys: experiment })
      .then((r) => r.assignments[experiment] ?? null)
      .catch(() => {
        if (cached.get(who) === asked) cached.delete(who) // try again next time
        return null
      })
    cached.set(who, asked)
    answer = asked
  }
  return answer
}

export function resetAssignmentsForTests(): void {
  cached.clear()
}

/**
 * The caller's variant of an experiment: `fallback` (the control) until the BFF answered, and
 * whenever the experiment is not running or the request failed. `ready` tells when it is final.
 */
export function useVariant(experiment: string, fallback = 'control'): { variant: string; ready: boolean } {
  const [state, setState] = useState({ variant: fallback, ready: false })
  useEffect(() => {
    let live = true
    void fetchAssignment(experiment).then((a) => {
      if (live) setState({ variant: a?.variant ?? fallback, ready: true })
    })
    return () => {
      live = false
    }
  }, [experiment, fallback])
  return state
}
