// Dates and deadlines in the city's time zone (the service's Cases:UtcOffsetHours, from /api/session), whatever the
// browser's zone or locale: a dispatcher in another zone still sees the city's clock. China keeps no summer time.
import { lang } from './i18n';

let offsetMs = 8 * 3600e3;
export const setUtcOffsetHours = (h: number): void => { offsetMs = h * 3600e3; };
export const utcOffsetHours = (): number => offsetMs / 3600e3;

const parts = (t: string | number | Date) => new Date(new Date(t).getTime() + offsetMs).toISOString();
/** YYYY-MM-DD of the city's calendar. */
export const cityDay = (t: string | number | Date = Date.now()): string => parts(t).slice(0, 10);
/** HH:MM of the city's clock. */
export const cityTime = (t: string | number | Date): string => parts(t).slice(11, 16);
export const cityTimeSeconds = (t: string | number | Date): string => parts(t).slice(11, 19);
/** A moment as the city's date and time; today's without the date. */
export function cityDateTime(t: string | number | Date | null | undefined): string {
  if (t === null || t === undefined) return '—';
  const day = cityDay(t);
  return day === cityDay() ? cityTime(t) : `${day} ${cityTime(t)}`;
}
/** The instant a city-day starts (midnight of the city), as an ISO string with the city's offset. */
export function cityMidnight(day: string): string {
  const h = utcOffsetHours();
  const sign = h < 0 ? '-' : '+';
  const abs = Math.abs(h);
  return `${day}T00:00:00${sign}${String(Math.floor(abs)).padStart(2, '0')}:${String(Math.round((abs % 1) * 60)).padStart(2, '0')}`;
}
export const addDays = (day: string, n: number): string => new Date(Date.parse(`${day}T12:00:00Z`) + n * 86400e3).toISOString().slice(0, 10);

/** Minutes as "5 min", "2 h 05 min", "3 d 4 h"; negative: overdue. */
export function duration(minutes: number): string {
  const m = Math.abs(Math.round(minutes));
  const zh = lang() === 'zh-CN';
  if (m < 60) return zh ? `${m} 分钟` : `${m} min`;
  if (m < 24 * 60) return zh ? `${Math.floor(m / 60)} 小时 ${m % 60} 分` : `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
  return zh ? `${Math.floor(m / 1440)} 天 ${Math.floor((m % 1440) / 60)} 小时` : `${Math.floor(m / 1440)} d ${Math.floor((m % 1440) / 60)} h`;
}
