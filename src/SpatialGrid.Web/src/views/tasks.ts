// The supervision centre's confirm (核实) and check (核查) tasks: the seven nodes of a case with their times and its
// tasks (in the case panel), sending a task to the grid's supervisor on shift, the acceptor's queue of tasks nobody
// on shift could take, and a supervisor's own tasks answered from the scene (the service refuses an answer from
// outside the grid).
import { api, callerRoles, post } from '../api';
import { cityDateTime } from '../clock';
import { announce, esc } from '../dom';
import { t } from '../i18n';
import { badge } from './case-panel';
import type { Paged } from './types';

export interface Task { id: number; kind: 'confirm' | 'check'; state: string; caseNumber: string; gridCode: string | null; worker: string | null; inAcceptorQueue: boolean;
  sentBy: string; sentAt: string; dueAt: string; colour: string; reroutes: number; answeredAt: string | null; outcome: string | null; onTime: boolean | null }
interface Nodes { number: string; channel: string; source: string; nodes: { name: string; at: string | null }[]; tasks: Task[] }

const taskLine = (k: Task) => `${badge(k.colour)} ${esc(t(`task.${k.kind}`))} · ${esc(t(`task.state.${k.state}`))}${k.worker ? ` · ${esc(k.worker)}` : ''}${k.inAcceptorQueue ? ` · <b>${esc(t('task.inQueue'))}</b>` : ''}
  <span class="sub">${t('case.due')} ${esc(cityDateTime(k.dueAt))}${k.outcome ? ` · ${esc(t(`task.outcome.${k.outcome}`))}` : ''}${k.reroutes ? ` · ${t('task.reroutes', { n: k.reroutes })}` : ''}</span>`;

/** The seven nodes and the tasks of a case, with the buttons that send a task where the case's state allows one. */
export async function renderNodes(box: HTMLElement, number: string, state: string, onSent: () => void): Promise<void> {
  try {
    const n = await api<Nodes>(`/api/cases/${encodeURIComponent(number)}/nodes`);
    const canSend = callerRoles().some((r) => r === 'dispatcher' || r === 'admin');
    const kind = state === 'reported' ? 'confirm' : state === 'handled' ? 'check' : null;
    box.innerHTML = `<h3>${t('nodes.title')} <small>${esc(t(`channel.${n.channel}`))}</small></h3>
      <ol class="nodes">${n.nodes.map((x) => `<li class="${x.at ? 'done' : ''}"><span>${esc(t(`node.${x.name}`))}</span> <time>${x.at ? esc(cityDateTime(x.at)) : '—'}</time></li>`).join('')}</ol>
      ${n.tasks.length ? `<ul class="watch-list tasks">${n.tasks.map((k) => `<li data-task="${k.id}">${taskLine(k)}</li>`).join('')}</ul>` : ''}
      ${canSend && kind ? `<p><button type="button" id="send-task" data-kind="${kind}">${esc(t(`task.send.${kind}`))}</button> <output id="task-result"></output></p>` : ''}`;
    box.querySelector<HTMLButtonElement>('#send-task')?.addEventListener('click', async (e) => {
      const b = e.target as HTMLButtonElement;
      b.disabled = true;
      try {
        const k = await post<Task>(`/api/cases/${encodeURIComponent(number)}/tasks`, { kind: b.dataset.kind });
        announce(k.inAcceptorQueue ? t('task.queued') : t('task.sent', { worker: k.worker ?? '' }));
        onSent();
      } catch (err) { b.disabled = false; box.querySelector('#task-result')!.textContent = (err as Error).message; }
    });
  } catch (e) { box.innerHTML = `<p class="error">${esc((e as Error).message)}</p>`; }
}

/** The acceptor's queue (tasks nobody on shift could take) and the tasks out with supervisors now. */
export async function renderTaskLists(box: HTMLElement, open: (number: string) => void): Promise<void> {
  box.innerHTML = `<p class="note">${t('loading')}</p>`;
  try {
    const [queued, assigned] = await Promise.all([api<Paged<Task>>('/api/tasks?state=queued&pageSize=200'), api<Paged<Task>>('/api/tasks?state=assigned&pageSize=200')]);
    const list = (items: Task[]) => items.length ? `<ul class="watch-list">${items.map((k) => `<li><button type="button" data-number="${esc(k.caseNumber)}"><b>${esc(k.caseNumber)}</b> ${taskLine(k)}</button></li>`).join('')}</ul>` : `<p class="note">${t('task.none')}</p>`;
    box.innerHTML = `<h2 class="list-title">${t('task.queueTitle')} <span class="count">${queued.total}</span></h2>${list(queued.items)}
      <h2 class="list-title">${t('task.outTitle')} <span class="count">${assigned.total}</span></h2>${list(assigned.items)}`;
    box.querySelectorAll<HTMLButtonElement>('button[data-number]').forEach((b) => b.addEventListener('click', () => open(b.dataset.number!)));
  } catch (e) { box.innerHTML = `<p class="error" role="alert">${esc((e as Error).message)}</p>`; }
}

/** A supervisor's tasks on the phone, answered from where they stand. */
export async function renderMyTasks(box: HTMLElement, worker: string, position: () => [number, number], open: (number: string) => void): Promise<void> {
  if (!worker) { box.innerHTML = ''; return; }
  try {
    const mine = await api<Paged<Task>>(`/api/tasks?worker=${encodeURIComponent(worker)}&state=assigned&pageSize=100`);
    box.innerHTML = `<h2>${t('task.mine')} <span class="count">${mine.total}</span></h2>${mine.items.length ? `<ul class="watch-list">${mine.items.map((k) => `<li data-task="${k.id}">
      <button type="button" class="link" data-number="${esc(k.caseNumber)}"><b>${esc(k.caseNumber)}</b></button> ${taskLine(k)}
      <p class="form-buttons">${(k.kind === 'confirm' ? ['confirmed', 'not-confirmed'] : ['passed', 'failed']).map((o) => `<button type="button" data-answer="${o}" data-id="${k.id}" class="${o === 'confirmed' || o === 'passed' ? 'primary' : ''}">${esc(t(`task.outcome.${o}`))}</button>`).join('')}</p>
      <p class="error" role="alert" data-error="${k.id}"></p></li>`).join('')}</ul>` : `<p class="note">${t('task.none')}</p>`}`;
    box.querySelectorAll<HTMLButtonElement>('button[data-number]').forEach((b) => b.addEventListener('click', () => open(b.dataset.number!)));
    box.querySelectorAll<HTMLButtonElement>('button[data-answer]').forEach((b) => b.addEventListener('click', async () => {
      const [lon, lat] = position();
      try {
        await post(`/api/tasks/${b.dataset.id}/answer`, { worker, outcome: b.dataset.answer, lon, lat });
        announce(t('task.answered'));
        void renderMyTasks(box, worker, position, open);
      } catch (err) { box.querySelector(`[data-error="${b.dataset.id}"]`)!.textContent = (err as Error).message; }
    }));
  } catch (e) { box.innerHTML = `<p class="error">${esc((e as Error).message)}</p>`; }
}
