// Class names (zh and en) from /api/taxonomy, loaded once: the queue, panels and charts name classes, not codes.
import { api } from './api';
import { lang } from './i18n';

interface Node { code: string; nameZh: string; nameEn: string; children?: Node[]; classes?: Node[] }
const names = new Map<string, [string, string]>();

export async function loadTaxonomy(): Promise<void> {
  if (names.size) return;
  try {
    const tree = await api<unknown>('/api/taxonomy');
    const walk = (n: unknown): void => {
      if (Array.isArray(n)) { n.forEach(walk); return; }
      if (n && typeof n === 'object') {
        const o = n as Record<string, unknown>;
        if (typeof o.code === 'string' && typeof o.nameZh === 'string') names.set(o.code, [o.nameZh, String(o.nameEn ?? o.nameZh)]);
        if (typeof o.majorCode === 'string' && typeof o.majorZh === 'string') names.set(o.majorCode, [o.majorZh, String(o.majorEn ?? o.majorZh)]);
        Object.values(o).forEach((v) => { if (v && typeof v === 'object') walk(v); });
      }
    };
    walk(tree);
  } catch { /* names fall back to codes */ }
}

export const className = (code: string | null | undefined): string => {
  if (!code) return '—';
  const n = names.get(code);
  return n ? (lang() === 'zh-CN' ? n[0] : n[1]) : code;
};

export const classOptions = (): [string, string][] => [...names.keys()].filter((c) => c.length >= 4).sort().map((c) => [c, `${c} ${className(c)}`]);
export type { Node };

// Area names by code (districts, streets, communities, grids), so that charts and tables say 南京东路街道, not 310101002.
const areaNames = new Map<string, string>();
let areasLoading: Promise<void> | null = null;
export function loadAreaNames(): Promise<void> {
  areasLoading ??= Promise.all(['district', 'subdistrict', 'community', 'grid'].map(async (level) => {
    try {
      const r = await api<{ items: { code: string; name: string }[] }>(`/api/grids?level=${level}&pageSize=1000`);
      for (const g of r.items) areaNames.set(g.code, g.name);
    } catch { /* codes stay codes */ }
  })).then(() => undefined);
  return areasLoading;
}
export const areaName = (code: string): string | undefined => areaNames.get(code);
