/**
 * A procedural car, one per body type, built from a few extruded profiles and primitives.
 *
 * Conventions (the viewer relies on them, see miniapp/src/packages/viewer/lib/materials.ts):
 * - metres, +x forward, +y up, +z to the car's right (so the driver's side, left in China, is -z);
 *   the car stands on y = 0, centred on x = 0, z = 0.
 * - material names: paint, rims, tyres, glass, interior, lights, taillights, trim. Every mesh whose
 *   colour the buyer can change uses one of the first three shared materials.
 * - mesh/node names: body, roof, cabin_glass, interior, lights, taillights, trim, wheel_fl…wheel_rr
 *   (each a group with `rim` and `tyre` meshes), door_fl, door_fr.
 * - door_fl / door_fr are nodes whose origin is the front hinge line of the door; rotating them
 *   about +y by userData.openAngle (radians, exported as glTF `extras`) opens the door outward.
 */
import * as THREE from 'three';

/** Per body type proportions (roughly the seeded models' specs). */
export const BODY_SPECS = {
  suv: { length: 4.78, width: 1.91, height: 1.665, wheelbase: 2.9, wheelRadius: 0.37, sill: 0.3, belt: 0.98, roofRise: 0.08, hoodLen: 0.95, deckLen: 0.55, rearSlope: 0.25 },
  sedan: { length: 4.9, width: 1.87, height: 1.46, wheelbase: 2.92, wheelRadius: 0.34, sill: 0.24, belt: 0.86, roofRise: 0.1, hoodLen: 1.05, deckLen: 0.95, rearSlope: 0.7 },
  mpv: { length: 5.1, width: 1.95, height: 1.8, wheelbase: 3.1, wheelRadius: 0.36, sill: 0.28, belt: 0.98, roofRise: 0.03, hoodLen: 0.75, deckLen: 0.2, rearSlope: 0.12 },
};
export const BODY_TYPES = Object.keys(BODY_SPECS);

function materials() {
  const std = (name, color, extra = {}) => new THREE.MeshStandardMaterial({ name, color, roughness: 0.5, metalness: 0, ...extra });
  return {
    paint: std('paint', 0x2f5d8a, { roughness: 0.35, metalness: 0.3 }),
    rims: std('rims', 0xb8bec6, { roughness: 0.3, metalness: 0.6 }),
    tyres: std('tyres', 0x1b1b1d, { roughness: 0.9 }),
    glass: std('glass', 0x1d2a36, { roughness: 0.1, metalness: 0.2, transparent: true, opacity: 0.72 }),
    interior: std('interior', 0x202124, { roughness: 0.8 }),
    lights: std('lights', 0xf4f7ff, { emissive: 0xdfe8ff, roughness: 0.2 }),
    taillights: std('taillights', 0x9e1010, { emissive: 0x7a0000, roughness: 0.3 }),
    trim: std('trim', 0x202225, { roughness: 0.7 }),
  };
}

/** No texture coordinates are needed (no textures): dropping them keeps the files small. */
function lean(geometry) {
  geometry.deleteAttribute('uv');
  return geometry;
}

function mesh(name, geometry, material) {
  const m = new THREE.Mesh(lean(geometry), material);
  m.name = name;
  return m;
}

/** A side profile (x, y) extruded across z, centred on z = 0, with rounded (bevelled) edges. */
function extrudeProfile(points, depth, bevel) {
  const shape = new THREE.Shape(points.map(([x, y]) => new THREE.Vector2(x, y)));
  const g = new THREE.ExtrudeGeometry(shape, {
    depth: depth - 2 * bevel,
    bevelEnabled: true,
    bevelThickness: bevel,
    bevelSize: bevel,
    bevelSegments: 2,
    curveSegments: 6,
  });
  g.translate(0, 0, -(depth - 2 * bevel) / 2);
  return g;
}

/** A wheel arch cut into the bottom edge: up from the bottom, over the wheel, back down (front to rear order reversed: rear to front, as the outline runs). */
function arch(cx, axleY, r, bottom, segments = 8) {
  const pts = [[cx - r, bottom]];
  for (let i = 0; i <= segments; i++) {
    const a = Math.PI - (i / segments) * Math.PI; // 180° (rear) -> 0° (front)
    pts.push([cx + r * Math.cos(a), axleY + r * Math.sin(a)]);
  }
  pts.push([cx + r, bottom]);
  return pts;
}

function lowerBodyProfile(s) {
  const L = s.length / 2;
  const axleF = s.wheelbase / 2;
  const axleR = -s.wheelbase / 2;
  const archR = s.wheelRadius + 0.06;
  const bottom = s.sill * 0.55;
  // Counter-clockwise: along the bottom from the rear bumper, over both wheel arches, to the nose,
  // then back along the beltline.
  return [
    [-L + 0.05, bottom],
    ...arch(axleR, s.wheelRadius, archR, bottom),
    ...arch(axleF, s.wheelRadius, archR, bottom),
    [L - 0.02, bottom + 0.05],
    [L, s.belt * 0.55],
    [L - 0.12, s.belt * 0.86],
    [L - s.hoodLen, s.belt + 0.03],
    [-L + s.deckLen * 0.4, s.belt + 0.02],
    [-L + 0.02, s.belt * 0.8],
  ];
}

function cabinProfile(s) {
  const L = s.length / 2;
  const front = L - s.hoodLen; // bottom of the windscreen
  const rear = -L + s.deckLen; // bottom of the rear window
  const top = s.height - 0.02;
  const windscreenRun = (top - s.belt) * 1.1;
  return [
    [rear, s.belt],
    [front, s.belt],
    [front - windscreenRun, top - s.roofRise],
    [(front - windscreenRun + rear + s.rearSlope) / 2, top],
    [rear + s.rearSlope, top - s.roofRise * 1.5],
  ];
}

function wheel(name, s, x, z, mats) {
  const r = s.wheelRadius;
  const tyreWidth = 0.24;
  const group = new THREE.Group();
  group.name = name;
  group.position.set(x, r, z);
  const side = Math.sign(z);

  // Tyre: a lathe of a rounded rectangle cross-section around the axle (z).
  const rimR = r * 0.68;
  const prof = [];
  const hw = tyreWidth / 2;
  prof.push(new THREE.Vector2(rimR, -hw));
  for (let i = 0; i <= 6; i++) {
    const a = -Math.PI / 2 + (i / 6) * Math.PI;
    prof.push(new THREE.Vector2(r - 0.04 + 0.04 * Math.cos(a), hw * 0.8 * Math.sin(a)));
  }
  prof.push(new THREE.Vector2(rimR, hw));
  const tyreGeo = new THREE.LatheGeometry(prof, 24);
  tyreGeo.rotateX(Math.PI / 2);
  group.add(mesh('tyre', tyreGeo, mats.tyres));

  // Rim: a dished disc plus five spokes, on the outer face.
  const rimParts = [];
  const disc = new THREE.CylinderGeometry(rimR, rimR, tyreWidth * 0.9, 24, 1, false);
  disc.rotateX(Math.PI / 2);
  rimParts.push(disc);
  const hub = new THREE.CylinderGeometry(rimR * 0.22, rimR * 0.26, 0.04, 10);
  hub.rotateX(Math.PI / 2);
  hub.translate(0, 0, side * (tyreWidth * 0.45 + 0.02));
  rimParts.push(hub);
  for (let i = 0; i < 5; i++) {
    const spoke = new THREE.BoxGeometry(rimR * 0.95, 0.07, 0.03);
    spoke.translate(rimR * 0.5, 0, side * (tyreWidth * 0.45 + 0.012));
    spoke.rotateZ((i / 5) * Math.PI * 2);
    rimParts.push(spoke);
  }
  group.add(mesh('rim', mergeAll(rimParts), mats.rims));
  return group;
}

/** Merge non-indexed copies of geometries (all must share attributes: position, normal). */
function mergeAll(geometries) {
  const parts = geometries.map((g) => {
    const ng = g.index ? g.toNonIndexed() : g;
    if (ng.getAttribute('uv')) ng.deleteAttribute('uv');
    return ng;
  });
  const count = parts.reduce((n, g) => n + g.getAttribute('position').count, 0);
  const pos = new Float32Array(count * 3);
  const nor = new Float32Array(count * 3);
  let o = 0;
  for (const g of parts) {
    pos.set(g.getAttribute('position').array, o * 3);
    nor.set(g.getAttribute('normal').array, o * 3);
    o += g.getAttribute('position').count;
  }
  const merged = new THREE.BufferGeometry();
  merged.setAttribute('position', new THREE.BufferAttribute(pos, 3));
  merged.setAttribute('normal', new THREE.BufferAttribute(nor, 3));
  return merged;
}

function box(w, h, d, x, y, z) {
  const g = new THREE.BoxGeometry(w, h, d);
  g.translate(x, y, z);
  return g;
}

/** A front door: outer panel (paint) + window (glass), origin on the hinge line. */
function door(name, s, mats) {
  const side = name.endsWith('fr') ? 1 : -1;
  const halfW = s.width / 2;
  const hingeX = s.wheelbase / 2 - s.wheelRadius - 0.12; // just behind the front arch
  const doorLen = Math.min(1.1, s.wheelbase * 0.42);
  const bottom = s.sill;
  const panelH = s.belt - bottom;
  const node = new THREE.Group();
  node.name = name;
  node.position.set(hingeX, 0, side * (halfW + 0.012));
  // Rear edge swings outward: rotation sign differs per side (see the header comment).
  node.userData = { hinge: 'front', openAngle: side * 1.05 };

  const panel = mesh(`${name}_panel`, box(doorLen, panelH, 0.04, -doorLen / 2, bottom + panelH / 2, 0), mats.paint);
  node.add(panel);
  const winH = (s.height - s.belt) * 0.72;
  const win = mesh(`${name}_window`, box(doorLen * 0.88, winH, 0.02, -doorLen / 2 - 0.03, s.belt + winH / 2, -side * 0.06), mats.glass);
  node.add(win);
  const handle = mesh(`${name}_handle`, box(0.18, 0.03, 0.02, -doorLen + 0.22, s.belt - 0.1, side * 0.03), mats.trim);
  node.add(handle);
  return { node, hingeX, doorLen, bottom, panelH };
}

export function buildCar(bodyType) {
  const s = BODY_SPECS[bodyType];
  if (!s) throw new Error(`unknown body type ${bodyType}`);
  const mats = materials();
  const car = new THREE.Group();
  car.name = `car_${bodyType}`;
  car.userData = { bodyType, generator: '@carmall/car-models', lengthM: s.length, widthM: s.width, heightM: s.height };

  const halfW = s.width / 2;
  car.add(mesh('body', extrudeProfile(lowerBodyProfile(s), s.width, 0.06), mats.paint));

  const cabinW = s.width * 0.84;
  car.add(mesh('cabin_glass', extrudeProfile(cabinProfile(s), cabinW, 0.05), mats.glass));
  // Roof panel in body colour following the glasshouse's top line (its bevel adds 0.05 m outward).
  const [, , wsTop, peak, rearTop] = cabinProfile(s);
  const inset = (p, q, t) => [p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t];
  const line = [inset(wsTop, peak, 0.08), peak, inset(rearTop, peak, 0.08)];
  const roofPts = [...line.map(([x, y]) => [x, y + 0.085]), ...line.reverse().map(([x, y]) => [x, y + 0.03])];
  car.add(mesh('roof', extrudeProfile(roofPts.reverse(), cabinW + 0.06, 0.015), mats.paint));

  // Interior: dashboard, two rows of seats (three for the MPV), seen through the glass and through
  // an opened door; the door apertures on the body sides show the interior colour too.
  const interior = [];
  const frontSeatX = s.wheelbase / 2 - s.hoodLen * 0.2 - 0.9;
  interior.push(box(0.35, 0.25, cabinW * 0.9, s.length / 2 - s.hoodLen - 0.1, s.belt - 0.05, 0));
  const rows = bodyType === 'mpv' ? [0, -0.95, -1.8] : [0, -1.0];
  for (const dx of rows) {
    for (const z of dx === rows[rows.length - 1] && bodyType !== 'mpv' ? [0] : [-0.42, 0.42]) {
      const w = z === 0 ? cabinW * 0.8 : 0.5;
      interior.push(box(0.5, 0.14, w, frontSeatX + dx, s.sill + 0.25, z)); // cushion
      interior.push(box(0.12, 0.62, w, frontSeatX + dx - 0.25, s.sill + 0.58, z)); // back
    }
  }
  const doorInfo = door('door_fl', s, mats);
  for (const side of [-1, 1]) {
    // Door aperture (inner door frame) just under each front door.
    interior.push(box(doorInfo.doorLen * 0.96, doorInfo.panelH * 0.9, 0.01, doorInfo.hingeX - doorInfo.doorLen / 2, doorInfo.bottom + doorInfo.panelH / 2, side * (halfW + 0.004)));
  }
  car.add(mesh('interior', mergeAll(interior), mats.interior));

  car.add(doorInfo.node);
  car.add(door('door_fr', s, mats).node);

  const L = s.length / 2;
  const lights = [];
  const tails = [];
  for (const side of [-1, 1]) {
    lights.push(box(0.06, 0.07, 0.34, L - 0.06, s.belt * 0.8, side * (halfW - 0.3)));
    tails.push(box(0.05, 0.08, 0.42, -L + 0.03, s.belt * 0.84, side * (halfW - 0.28)));
  }
  car.add(mesh('lights', mergeAll(lights), mats.lights));
  car.add(mesh('taillights', mergeAll(tails), mats.taillights));

  // Black trim: bumpers' lower lips, side sills, mirrors.
  const trim = [
    box(0.12, 0.12, s.width * 0.9, L - 0.06, s.sill * 0.6, 0),
    box(0.12, 0.12, s.width * 0.9, -L + 0.07, s.sill * 0.6, 0),
  ];
  for (const side of [-1, 1]) {
    trim.push(box(s.wheelbase - 2 * s.wheelRadius - 0.2, 0.08, 0.04, 0, s.sill * 0.7, side * (halfW + 0.005)));
    trim.push(box(0.16, 0.1, 0.18, doorInfo.hingeX - 0.05, s.belt + 0.08, side * (halfW + 0.06)));
  }
  car.add(mesh('trim', mergeAll(trim), mats.trim));

  const trackZ = halfW - 0.17;
  const axle = s.wheelbase / 2;
  car.add(wheel('wheel_fl', s, axle, -trackZ, mats));
  car.add(wheel('wheel_fr', s, axle, trackZ, mats));
  car.add(wheel('wheel_rl', s, -axle, -trackZ, mats));
  car.add(wheel('wheel_rr', s, -axle, trackZ, mats));
  return car;
}
