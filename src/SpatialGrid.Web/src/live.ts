// The case event stream (/api/events, Server-Sent Events read with fetch so that the key travels as a header),
// with a visible live/offline state: reconnects with a growing pause (1 s → 30 s); a refused key stops it and says so.
import { authHeaders, keyOf } from './api';

export interface CaseEvent { kind: string; number: string; districtCode: string; gridCode?: string; state: string; colour: string; at: string; action?: string }
export type LiveState = 'live' | 'connecting' | 'offline' | 'refused';

const listeners: ((e: CaseEvent) => void)[] = [];
const stateListeners: ((s: LiveState, detail?: string) => void)[] = [];
let pause = 1000;
let running = false;

export const onCaseEvent = (f: (e: CaseEvent) => void): void => { listeners.push(f); };
export const onLiveState = (f: (s: LiveState, detail?: string) => void): void => { stateListeners.push(f); };
const tell = (s: LiveState, detail?: string) => stateListeners.forEach((f) => f(s, detail));

export function startLive(): void {
  if (running || !keyOf()) return;
  running = true;
  void connect();
}

async function connect(): Promise<void> {
  tell('connecting');
  try {
    const r = await fetch('/api/events', { headers: authHeaders() });
    if (r.status === 401 || r.status === 403) {
      const p = await r.json().catch(() => ({}));
      running = false;
      tell('refused', (p as { detail?: string }).detail);
      return;
    }
    if (!r.ok || !r.body) throw new Error(`HTTP ${r.status}`);
    tell('live');
    pause = 1000;
    const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
        if (!data) continue;
        try {
          const e = JSON.parse(data) as CaseEvent;
          listeners.forEach((f) => f(e));
        } catch { /* a line that is not an event */ }
      }
    }
  } catch { /* offline: retried below */ }
  tell('offline');
  setTimeout(connect, pause);
  pause = Math.min(30000, pause * 2);
}
