// What the views read from the API (the fields they use).
export interface Geometry { type: string; coordinates: unknown }
export interface CaseSummary {
  number: string; state: string; colour: 'green' | 'yellow' | 'red'; classCode: string; source: string; districtCode: string; gridCode: string | null;
  outside: boolean; unit: string; description: string; reportedAt: string; redAt: string | null; alertCount: number; reworkCount: number; location: Geometry; version: number;
}
export interface Stage { stage: string; start: string; due: string; endedAt: string | null; running: boolean; used: number; colour: string; minutesLeft: number; onTime: boolean | null }
export interface HistoryEvent { sequence: number; at: string; by: string; action: string; from: string; to: string; note: string | null; data: Record<string, unknown> | null; hash: string }
export interface CaseDetail {
  case: CaseSummary; kind: string; promisedBy: string | null; gridPath: string[]; componentCode: string | null; leadUnit: string | null; coUnits: string[];
  reviewDate: string | null; satisfaction: number | null; allowedActions: string[]; stages: Stage[]; history: HistoryEvent[]; deviceId: string | null;
  alertType: string | null; lastAlertAt: string | null; reporter: { worker: string; fixAt: string | null; lon: number | null; lat: number | null } | null;
}
export interface Paged<T> { items: T[]; page: number; pageSize: number; total: number }
export interface Counts { total: number; states: Record<string, number>; colours: Record<string, number> }
/** The caller as /api/session tells it; worker: the patrol worker a key is bound to (the key of that worker's phone). */
export interface Session { name: string; roles: string[]; scopes: string[]; cityWide: boolean; utcOffsetHours: number; workingHours: string; worker?: string | null }
