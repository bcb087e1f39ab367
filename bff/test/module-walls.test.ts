import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Static checks of the module walls (reads the sources, no database): each document has one owning
 * module and the others go through its service, so no module imports another module's model file,
 * reaches into another module's model accessor (`orders.Orders`), or names another module's
 * collection or mongoose model; and modules do not import each other in a cycle except through
 * `import type` (erased at runtime).
 */
const MODULES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/modules');

interface Source {
  file: string; // relative to src/modules
  module: string;
  text: string;
  ast: ts.SourceFile;
}

function loadSources(): Source[] {
  const out: Source[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) {
        const file = path.relative(MODULES, p).split(path.sep).join('/');
        const text = fs.readFileSync(p, 'utf8');
        out.push({ file, module: file.split('/')[0], text, ast: ts.createSourceFile(p, text, ts.ScriptTarget.Latest, true) });
      }
    }
  };
  walk(MODULES);
  return out;
}

interface Import {
  spec: string;
  /** The imported file, relative to src/modules ('' when outside it). */
  target: string;
  targetModule: string;
  typeOnly: boolean;
  line: number;
}

function importsOf(s: Source): Import[] {
  const found: Array<{ spec: string; typeOnly: boolean; node: ts.Node }> = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause;
      const named = c?.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : null;
      // `import type {…}`, or `import { type A, type B }` with nothing else: erased at runtime.
      const typeOnly = !!c && (c.isTypeOnly || (!c.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      found.push({ spec: node.moduleSpecifier.text, typeOnly, node });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : null;
      const typeOnly = node.isTypeOnly || (!!named && named.length > 0 && named.every((e) => e.isTypeOnly));
      found.push({ spec: node.moduleSpecifier.text, typeOnly, node });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      found.push({ spec: node.arguments[0].text, typeOnly: false, node }); // dynamic import()
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ spec: node.argument.literal.text, typeOnly: true, node }); // import('…').T in a type
    }
    ts.forEachChild(node, visit);
  };
  visit(s.ast);
  return found
    .filter((f) => f.spec.startsWith('.'))
    .map((f) => {
      const abs = path.resolve(MODULES, path.dirname(s.file), f.spec);
      const rel = path.relative(MODULES, abs).split(path.sep).join('/');
      const inside = !rel.startsWith('..');
      return {
        spec: f.spec,
        target: inside ? rel.replace(/\.(js|ts)$/, '') : '',
        targetModule: inside ? rel.split('/')[0] : '',
        typeOnly: f.typeOnly,
        line: s.ast.getLineAndCharacterOfPosition(f.node.getStart()).line + 1,
      };
    });
}

const isModelFile = (target: string) => /^[^/]+\/(.*\/)?model$/.test(target);

/** Getters that hand out a mongoose model (`get Orders() { return orderModel(this.conn); }`), per module. */
function accessorsByModule(sources: Source[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const s of sources)
    for (const m of s.text.matchAll(/\bget\s+([A-Z]\w*)\s*\(\)\s*(?::[^{]+)?\{\s*return\s+\w+Model\(/g)) {
      if (!out.has(s.module)) out.set(s.module, new Set());
      out.get(s.module)!.add(m[1]);
    }
  return out;
}

/** Collections and mongoose model names registered in each module (`collection: 'orders'`, `conn.model('Order', …)`). */
function storageByModule(sources: Source[]) {
  const collections = new Map<string, string>();
  const models = new Map<string, string>();
  for (const s of sources) {
    for (const m of s.text.matchAll(/\bcollection:\s*'([\w.-]+)'/g)) collections.set(m[1], s.module);
    for (const m of s.text.matchAll(/\.model\(\s*'(\w+)'\s*,/g)) models.set(m[1], s.module);
  }
  return { collections, models };
}

function modelWallViolations(sources: Source[]): string[] {
  const out: string[] = [];
  const accessors = accessorsByModule(sources);
  const { collections, models } = storageByModule(sources);
  for (const s of sources) {
    for (const i of importsOf(s))
      if (i.targetModule && i.targetModule !== s.module && isModelFile(i.target)) out.push(`${s.file}:${i.line} imports ${i.spec} (another module's model; use its service)`);

    const own = accessors.get(s.module) ?? new Set<string>();
    const foreign = new Map<string, string>();
    for (const [mod, names] of accessors) if (mod !== s.module) for (const n of names) if (!own.has(n)) foreign.set(n, mod);
    const at = (node: ts.Node) => `${s.file}:${s.ast.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const literalArg = (node: ts.CallExpression) => (node.arguments[0] && ts.isStringLiteralLike(node.arguments[0]) ? node.arguments[0].text : null);
    const visit = (node: ts.Node) => {
      if (ts.isPropertyAccessExpression(node)) {
        const name = node.name.text;
        // `x.Orders` / `this.orders.Orders`; a bare `this.Orders` is a module's own accessor.
        if (foreign.has(name) && node.expression.kind !== ts.SyntaxKind.ThisKeyword)
          out.push(`${at(node)} uses ${node.getText(s.ast)} (the ${foreign.get(name)} module's model accessor; use its service)`);
        // `conn.models.Order`
        if (ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'models') {
          const owner = models.get(name);
          if (owner && owner !== s.module) out.push(`${at(node)} looks up the ${owner} module's model '${name}' (use its service)`);
        }
      }
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const method = node.expression.name.text;
        const arg = literalArg(node);
        if (arg && method === 'collection') {
          const owner = collections.get(arg);
          if (owner && owner !== s.module) out.push(`${at(node)} reads the ${owner} module's collection '${arg}' (use its service)`);
        }
        if (arg && method === 'model' && node.arguments.length === 1) {
          const owner = models.get(arg);
          if (owner && owner !== s.module) out.push(`${at(node)} looks up the ${owner} module's model '${arg}' (use its service)`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(s.ast);
  }
  return out;
}

/** Cycles in the module graph over runtime (non-type-only) imports, each shown with the imports that close it. */
function runtimeCycles(sources: Source[]): string[] {
  const edges = new Map<string, Map<string, string[]>>();
  for (const s of sources)
    for (const i of importsOf(s)) {
      if (i.typeOnly || !i.targetModule || i.targetModule === s.module) continue;
      if (!edges.has(s.module)) edges.set(s.module, new Map());
      const e = edges.get(s.module)!;
      if (!e.has(i.targetModule)) e.set(i.targetModule, []);
      e.get(i.targetModule)!.push(`${s.file}:${i.line} imports ${i.spec}`);
    }
  // Tarjan's strongly connected components: every component of more than one module is a cycle.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1) components.push(c.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) connect(v);
  return components.map((c) => {
    const via = c.flatMap((a) => [...(edges.get(a) ?? [])].filter(([b]) => c.includes(b)).flatMap(([, why]) => why));
    return `modules ${c.join(' <-> ')} import each other at runtime: ${via.join('; ')}`;
  });
}

describe('module walls', () => {
  const sources = loadSources();

  it('reads every module', () => {
    expect(new Set(sources.map((s) => s.module)).size).toBeGreaterThan(10);
    expect(accessorsByModule(sources).get('orders')).toContain('Orders');
  });

  it('no module imports another module’s model, uses its model accessor, or names its collection', () => {
    expect(modelWallViolations(sources)).toEqual([]);
  });

  it('no runtime import cycles between modules (import type is fine)', () => {
    expect(runtimeCycles(sources)).toEqual([]);
  });

  it('the checks catch what they are for', () => {
    const fake = (file: string, text: string): Source => ({ file, module: file.split('/')[0], text, ast: ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true) });
    const planted = [
      ...sources,
      fake('payments/planted.ts', "import { orderModel } from '../orders/model';\nexport const n = (s: any) => s.orders.Orders.find({});\nexport const c = (conn: any) => conn.collection('orders');\nexport const m = (conn: any) => conn.models.Order;\n"),
      fake('orders/planted.ts', "import { PaymentService } from '../payments/service';\nexport const P = PaymentService;\n"),
      fake('catalog/planted.ts', "import type { OrderService } from '../orders/service';\nexport type O = OrderService;\n"),
    ];
    const walls = modelWallViolations(planted).filter((v) => v.includes('planted.ts'));
    expect(walls).toEqual([
      expect.stringContaining("payments/planted.ts:1 imports ../orders/model"),
      expect.stringContaining('payments/planted.ts:2 uses s.orders.Orders'),
      expect.stringContaining("payments/planted.ts:3 reads the orders module's collection 'orders'"),
      expect.stringContaining("payments/planted.ts:4 looks up the orders module's model 'Order'"),
    ]);
    const cycles = runtimeCycles(planted).filter((c) => c.includes('planted.ts'));
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toMatch(/orders <-> payments/);
    expect(cycles[0]).toContain('orders/planted.ts:1 imports ../payments/service');
    expect(cycles[0]).not.toContain('catalog');
  });
});
