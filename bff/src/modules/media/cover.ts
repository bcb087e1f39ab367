import type { BodyType } from '@carmall/shared-types';

/**
 * Cover pictures are drawn, not shipped: a side view in the model's own colour. Real photography
 * would come from the brand's CDN; this keeps the demo self-contained and the package small.
 */
const BODY_PATHS: Record<BodyType, string> = {
  // Each path is a simple side silhouette on a 640x360 canvas.
  suv: 'M70 250 L90 180 Q110 140 170 135 L260 100 Q300 88 400 90 L470 95 Q520 100 550 150 L585 170 Q600 185 598 250 Z',
  sedan: 'M60 255 L75 205 Q95 180 160 172 L250 125 Q290 108 380 110 L440 118 Q490 130 540 178 L580 190 Q600 205 598 255 Z',
  mpv: 'M70 252 L80 170 Q90 110 150 100 L470 92 Q520 92 545 140 L585 175 Q600 190 598 252 Z',
};

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderCoverSvg(opts: { name: string; bodyType: BodyType; color: string }): string {
  const color = /^#[0-9a-f]{6}$/i.test(opts.color) ? opts.color : '#5b6b7f';
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 360" width="640" height="360">
<defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#f4f6f9"/><stop offset="1" stop-color="#dfe4ea"/></linearGradient>
<linearGradient id="paint" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${color}" stop-opacity="0.85"/><stop offset="1" stop-color="${color}"/></linearGradient></defs>
<rect width="640" height="360" fill="url(#bg)"/>
<ellipse cx="330" cy="282" rx="270" ry="14" fill="#000" opacity="0.12"/>
<path d="${BODY_PATHS[opts.bodyType]}" fill="url(#paint)" stroke="#1d2733" stroke-width="3" stroke-linejoin="round"/>
<path d="M190 140 L270 108 Q300 98 390 100 L450 104 Q490 110 515 150 Z" fill="#2b3a4a" opacity="0.75"/>
<circle cx="170" cy="255" r="42" fill="#1d2733"/><circle cx="170" cy="255" r="20" fill="#aab4bf"/>
<circle cx="490" cy="255" r="42" fill="#1d2733"/><circle cx="490" cy="255" r="20" fill="#aab4bf"/>
<text x="32" y="48" font-family="sans-serif" font-size="26" font-weight="700" fill="#1d2733">${escapeXml(opts.name)}</text>
</svg>`;
}
