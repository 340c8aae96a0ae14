// The detail panel beside the map: whatever was selected (a grid, a case, a component, a worker, a stack of cases)
// is shown here; a newer selection replaces an older one even when the older one is still loading.
import { byId, esc } from '../dom';
import { t } from '../i18n';

let generation = 0;
const closers: (() => void)[] = [];

export const panel = (): HTMLElement => byId('panel');

/** Starts showing something new: returns a check that is false once something else has been shown since. */
export function begin(): () => boolean {
  const mine = ++generation;
  closers.splice(0).forEach((f) => f());
  return () => mine === generation;
}

/** Something to undo when the panel moves on (a replay on the map, a timer). */
export const onLeave = (f: () => void): void => { closers.push(f); };

export function failed(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  panel().innerHTML = `<p class="error" role="alert">${esc(message)}</p>`;
}

export function loading(): void { panel().innerHTML = `<p class="note">${esc(t('loading'))}</p>`; }
