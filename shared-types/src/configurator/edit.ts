/**
 * What is wrong with a catalog model an operator is editing, placed on the trim or option (and the
 * field) it belongs to, in Chinese. The console runs it on every keystroke to show problems inline;
 * the BFF runs the same function before it saves (422 CATALOG_INVALID), so the two never disagree.
 *
 * Two layers: the data checks of validateCatalogModel (references, price periods, defaults), and
 * the rule engine itself: every trim's default configuration and every option chosen on its own on
 * every trim that offers it must resolve (catches conflicts, unmet requirements and single-choice
 * groups that cannot be filled, which the data checks cannot see). A missing price at `at` is not
 * a problem here: a trim or option may be priced from a later date (not on sale yet).
 */
import { defaultConfiguration, resolveConfiguration } from './engine';
import { validateCatalogModel } from './validate';
import type { CatalogModel, ConfigErrorCode } from './types';

export type CatalogProblemKind = 'DATA' | Exclude<ConfigErrorCode, 'NO_PRICE'>;

export interface CatalogProblem {
  scope: 'model' | 'trim' | 'option';
  /** The trim or option code (null for the model itself). */
  code: string | null;
  /** The field it is about (`prices`, `requires`, `defaults`, `rules` for the engine's checks, …), or null. */
  field: string | null;
  kind: CatalogProblemKind;
  /** Chinese, for the operator. */
  message: string;
}

const PATH = /^(trims|options)\[([^\]]+)\](?:\.(\w+))?(?:\[\d+\])?(?:\.(\w+))?:\s*(.*)$/;

/** The data checks' English messages as Chinese (unknown ones are kept, with a Chinese lead-in). */
function chinese(text: string): string {
  const rules: [RegExp, (m: RegExpMatchArray) => string][] = [
    [/^no price entries$/, () => '没有价格'],
    [/^price periods \[(\d+)\] and \[(\d+)\] overlap$/, (m) => `价格时段 ${Number(m[1]) + 1} 与 ${Number(m[2]) + 1} 重叠`],
    [/^effectiveTo is not after effectiveFrom$/, () => '结束时间必须晚于生效时间'],
    [/^not a non-negative integer amount of fen: (.*)$/, (m) => `金额不正确：${m[1]}`],
    [/^not an ISO instant: (.*)$/, (m) => `时间格式不正确：${m[1]}`],
    [/^unknown option (.*)$/, (m) => `引用了不存在的选装 ${m[1]}`],
    [/^unknown trim (.*)$/, (m) => `引用了不存在的版本 ${m[1]}`],
    [/^refers to itself$/, () => '不能引用自身'],
    [/^empty list$/, () => '列表不能为空'],
    [/^empty$/, () => '不能为空'],
    [/^offered on no trim$/, () => '没有任何版本提供该选装'],
    [/^both brings and excludes (.*)$/, (m) => `既带入又排斥 ${m[1]}`],
    [/^brings (.*), which excludes it$/, (m) => `带入的 ${m[1]} 排斥它`],
    [/^brings (.*) of its own single-choice group$/, (m) => `带入了同组（单选）的 ${m[1]}`],
    [/^brings both (.*) and (.*) of single-choice group (.*)$/, (m) => `同时带入单选组的 ${m[1]} 与 ${m[2]}`],
    [/^needs (.*) \((.*)\), which trim (.*) does not offer$/, (m) => `需要「${m[2]}」，但版本 ${m[3]} 不提供`],
    [/^none of them is offered on trim (.*)$/, (m) => `可选搭配在版本 ${m[1]} 上都不提供`],
    [/^(.*) is not offered on this trim$/, (m) => `默认配置 ${m[1]} 不在本版本提供`],
    [/^(.*) is not in a required single-choice group$/, (m) => `${m[1]} 不属于必选单选组，不能作默认配置`],
    [/^two defaults for (.*): (.*), (.*)$/, (m) => `${m[1]} 有两个默认配置：${m[2]}、${m[3]}`],
    [/^no default for (.*)$/, (m) => `缺少 ${m[1]} 的默认配置`],
    [/^no (.*) option offered on this trim$/, (m) => `本版本没有可选的 ${m[1]}`],
    [/^duplicate (trim|option) code$/, () => '编码重复'],
    [/^not a #RRGGBB colour: (.*)$/, (m) => `颜色格式不正确：${m[1]}`],
  ];
  for (const [re, fmt] of rules) {
    const m = text.match(re);
    if (m) return fmt(m);
  }
  return `数据校验：${text}`;
}

function dataProblem(raw: string): CatalogProblem {
  const m = raw.match(PATH);
  if (!m) return { scope: 'model', code: null, field: raw.split(':')[0] || null, kind: 'DATA', message: chinese(raw.slice(raw.indexOf(':') + 1).trim()) };
  const [, list, code, field, sub, text] = m;
  return { scope: list === 'trims' ? 'trim' : 'option', code, field: field ?? sub ?? null, kind: 'DATA', message: chinese(text) };
}

/** Every problem of `model` as the editor shows it (empty when it may be saved). */
export function catalogEditProblems(model: CatalogModel, at: Date): CatalogProblem[] {
  const out = validateCatalogModel(model).map(dataProblem);
  const seen = new Set(out.map((p) => `${p.scope}:${p.code}:${p.message}`));
  const push = (p: CatalogProblem) => {
    const k = `${p.scope}:${p.code}:${p.message}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(p);
    }
  };
  const trimCodes = new Set((model.trims ?? []).map((t) => t.code));
  // Where the data checks already said what is wrong, the engine would only repeat it.
  const flagged = new Set(out.map((p) => `${p.scope}:${p.code}`));
  // The engine assumes consistent references; malformed data is reported above, so a throw here is skipped.
  const attempt = (fn: () => ReturnType<typeof resolveConfiguration>) => {
    try {
      return fn();
    } catch {
      return null;
    }
  };
  for (const trim of model.trims ?? []) {
    if (flagged.has(`trim:${trim.code}`)) continue;
    const r = attempt(() => defaultConfiguration(model, trim.code, at));
    if (r && !r.ok && r.error.code !== 'NO_PRICE') push({ scope: 'trim', code: trim.code, field: 'defaults', kind: r.error.code, message: r.error.message });
  }
  for (const option of model.options ?? []) {
    if (flagged.has(`option:${option.code}`)) continue;
    for (const trimCode of option.availableOn ?? []) {
      if (!trimCodes.has(trimCode)) continue;
      const r = attempt(() => resolveConfiguration(model, trimCode, [option.code], at));
      if (r && !r.ok && r.error.code !== 'NO_PRICE') {
        const trimName = model.trims.find((t) => t.code === trimCode)?.name ?? trimCode;
        push({ scope: 'option', code: option.code, field: 'rules', kind: r.error.code, message: `在「${trimName}」上无法选择：${r.error.message}` });
      }
    }
  }
  return out;
}

/** The problems of one trim or option (for the line it is shown on). */
export const problemsOf = (problems: readonly CatalogProblem[], scope: CatalogProblem['scope'], code: string | null) =>
  problems.filter((p) => p.scope === scope && p.code === code);
