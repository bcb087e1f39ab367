/** DOM helpers for the staff pages' tests (console, staff workspace). */
import { fireEvent } from '@testing-library/react'
import { TOKEN_KEY } from '../src/api/client'
import { taroMock } from './taro-mock'

export const $ = (c: HTMLElement, sel: string) => c.querySelector<HTMLElement>(sel)
export const $$ = (c: HTMLElement, sel: string) => Array.from(c.querySelectorAll<HTMLElement>(sel))
/** Type into a Taro Input/Textarea (rendered as a wrapper around the real input). */
export const type = (c: HTMLElement, sel: string, value: string) => {
  const input = c.querySelector<HTMLInputElement | HTMLTextAreaElement>(`${sel} input, ${sel} textarea, input${sel}, textarea${sel}`)!
  fireEvent.input(input, { target: { value } })
}
/** A staff token in storage (the fake BFF decides the roles). */
export const signIn = () => taroMock.setStorageSync(TOKEN_KEY, 'tok-staff')
