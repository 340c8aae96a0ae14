// Icons per component class, drawn once on a canvas and handed to MapLibre (nothing fetched): a shape per major
// class (circle: public utilities, diamond: roads and traffic, square: city appearance, triangle: greening, hexagon:
// housing and land, star: monitoring and other) in its colour, so classes differ by shape as well as by colour.
import type { Map as MlMap } from 'maplibre-gl';

export interface MajorStyle { code: string; shape: 'circle' | 'diamond' | 'square' | 'triangle' | 'hexagon' | 'star'; colour: string }

export const majors: MajorStyle[] = [
  { code: '01', shape: 'circle', colour: '#1f5fa8' },
  { code: '02', shape: 'diamond', colour: '#6a3d9a' },
  { code: '03', shape: 'square', colour: '#8c510a' },
  { code: '04', shape: 'triangle', colour: '#1b7a43' },
  { code: '05', shape: 'hexagon', colour: '#0e7c86' },
  { code: '06', shape: 'star', colour: '#b3421b' },
];

export const majorColour = (code: string): string => majors.find((m) => m.code === code.slice(0, 2))?.colour ?? '#555';

function path(ctx: CanvasRenderingContext2D, shape: MajorStyle['shape'], c: number, r: number): void {
  ctx.beginPath();
  const poly = (n: number, rot: number, radius = r) => {
    for (let i = 0; i < n; i++) {
      const a = rot + (i * 2 * Math.PI) / n;
      ctx.lineTo(c + radius * Math.cos(a), c + radius * Math.sin(a));
    }
    ctx.closePath();
  };
  switch (shape) {
    case 'circle': ctx.arc(c, c, r * 0.85, 0, 2 * Math.PI); break;
    case 'diamond': poly(4, -Math.PI / 2); break;
    case 'square': ctx.rect(c - r * 0.75, c - r * 0.75, r * 1.5, r * 1.5); break;
    case 'triangle': poly(3, -Math.PI / 2, r * 1.05); break;
    case 'hexagon': poly(6, 0); break;
    case 'star':
      for (let i = 0; i < 10; i++) {
        const a = -Math.PI / 2 + (i * Math.PI) / 5, rr = i % 2 ? r * 0.45 : r;
        ctx.lineTo(c + rr * Math.cos(a), c + rr * Math.sin(a));
      }
      ctx.closePath();
      break;
  }
}

/** A shape as an image for MapLibre: white outline, coloured fill, at the device's pixel ratio. */
export function shapeImage(shape: MajorStyle['shape'], colour: string, size = 14, ratio = 2): ImageData {
  const px = size * ratio, canvas = document.createElement('canvas');
  canvas.width = canvas.height = px;
  const ctx = canvas.getContext('2d')!;
  path(ctx, shape, px / 2, px / 2 - 2 * ratio);
  ctx.fillStyle = colour;
  ctx.fill();
  ctx.lineWidth = 1.5 * ratio;
  ctx.strokeStyle = '#fff';
  ctx.stroke();
  return ctx.getImageData(0, 0, px, px);
}

/** A small CSS-sized canvas of the same shape, for the legend. */
export function shapeCanvas(shape: MajorStyle['shape'], colour: string, size = 14): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = size * 2;
  canvas.style.width = canvas.style.height = `${size}px`;
  canvas.getContext('2d')!.putImageData(shapeImage(shape, colour, size, 2), 0, 0);
  canvas.setAttribute('aria-hidden', 'true');
  return canvas;
}

// Case urgency by shape as well as colour (for colour-blind eyes): green a circle, yellow a triangle, red a square.
export const urgency = { green: { shape: 'circle', colour: '#1a7f37' }, yellow: { shape: 'triangle', colour: '#b8860b' }, red: { shape: 'square', colour: '#c8102e' } } as const;

export function addIcons(map: MlMap): void {
  for (const m of majors) if (!map.hasImage(`comp-${m.code}`)) map.addImage(`comp-${m.code}`, shapeImage(m.shape, m.colour, 14), { pixelRatio: 2 });
  for (const [name, u] of Object.entries(urgency)) if (!map.hasImage(`case-${name}`)) map.addImage(`case-${name}`, shapeImage(u.shape, u.colour, 20), { pixelRatio: 2 });
}
