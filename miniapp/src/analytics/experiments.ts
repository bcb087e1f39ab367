import { useEffect, useState } from 'react'
import { get, getToken } from '../api/client'
import { analytics } from './index'

export interface Assignment {
  variant: string
  status: 'running' | 'shipped' | 'stopped'
}

// One request per launch and sign-in state: the BFF counts the exposure at the first answer, and
// the answer for a signed-in buyer (bucketed by user id) differs from a visitor's.
let cached: { who: string; answer: Promise<Record<string, Assignment>> } | null = null

export function fetchAssignments(): Promise<Record<string, Assignment>> {
  const anonymousId = analytics().anonId
  const who = `${getToken() ?? ''}|${anonymousId}`
  if (!cached || cached.who !== who) {
    const answer = get<{ assignments: Record<string, Assignment> }>('/api/v1/experiments/assignments', { anonymousId })
      .then((r) => r.assignments)
      .catch(() => {
        if (cached?.answer === answer) cached = null // try again next time
        return {}
      })
    cached = { who, answer }
  }
  return cached.answer
}

export function resetAssignmentsForTests(): void {
  cached = null
}

/**
 * The caller's variant of an experiment: `fallback` (the control) until the BFF answered, and
 * whenever the experiment is not running or the request failed. `ready` tells when it is final.
 */
export function useVariant(experiment: string, fallback = 'control'): { variant: string; ready: boolean } {
  const [state, setState] = useState({ variant: fallback, ready: false })
  useEffect(() => {
    let live = true
    void fetchAssignments().then((all) => {
      if (live) setState({ variant: all[experiment]?.variant ?? fallback, ready: true })
    })
    return () => {
      live = false
    }
  }, [experiment, fallback])
  return state
}
