// The API client: the key travels in X-Api-Key (never in a URL), problem+json answers become ApiError with the
// service's own detail, and a 401 tells the session that the key is wrong or revoked.

import { has, t } from './i18n';

export interface Problem { type?: string; title?: string; status?: number; detail?: string; [k: string]: unknown }

/** The problem's kind: the last part of its type URI (bad-state, version-conflict, …). */
const kindOf = (problem: Problem): string => (problem.type ?? '').split(/[/:]/).pop() ?? '';

/**
 * A refusal as the interface tells it: the kind (or else the status) in the interface's language, then the service's
 * own detail, which names the field or value (the service writes it in English); the detail alone when they say the same.
 */
export function problemText(status: number, problem: Problem): string {
  const detail = problem.detail || problem.title || `HTTP ${status}`;
  const kind = kindOf(problem);
  const said = has(`problem.${kind}`) ? t(`problem.${kind}`) : has(`problem.${status}`) ? t(`problem.${status}`) : t('problem.other');
  return said === detail ? detail : t('problem.told', { said, detail });
}

export class ApiError extends Error {
  constructor(public readonly status: number, public readonly problem: Problem) {
    super(problemText(status, problem));
  }
  get kind(): string { return kindOf(this.problem); }
}

const KEY = 'sg-key';
let unauthorised: (e: ApiError) => void = () => {};

export const keyOf = (): string => sessionStorage.getItem(KEY) ?? '';
export const setKey = (key: string): void => { if (key) sessionStorage.setItem(KEY, key); else sessionStorage.removeItem(KEY); };
export const onUnauthorised = (f: (e: ApiError) => void): void => { unauthorised = f; };
export const authHeaders = (): Record<string, string> => (keyOf() ? { 'X-Api-Key': keyOf() } : {});

async function fail(r: Response): Promise<never> {
  let problem: Problem = { status: r.status, title: r.statusText };
  try { problem = await r.json(); } catch { /* not JSON */ }
  const e = new ApiError(r.status, problem);
  if (r.status === 401) unauthorised(e);
  throw e;
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const r = await fetch(path, { ...init, headers: { ...authHeaders(), ...(init.headers as Record<string, string> | undefined) } });
  if (!r.ok) return fail(r);
  if (r.status === 204) return undefined as T;
  return r.json() as Promise<T>;
}

export const post = <T>(path: string, body: unknown, headers: Record<string, string> = {}): Promise<T> =>
  api<T>(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** A text answer (CSV exports). */
export async function text(path: string): Promise<string> {
  const r = await fetch(path, { headers: authHeaders() });
  if (!r.ok) return fail(r);
  return r.text();
}

let roles: string[] = [];
/** The signed-in key's roles (from /api/session): what the views offer follows them; the service still decides. */
export const callerRoles = (): string[] => roles;
export const setCallerRoles = (r: string[]): void => { roles = r; };
