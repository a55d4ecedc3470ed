export interface ParsedIndex {
  unique: boolean;
  name: string;
  table: string;
  /** The column list as written, without the surrounding parentheses. */
  columns: string;
  /** The `WHERE …` clause as written, or ''. */
  where: string;
}

const head =
  /^\s*create\s+(unique\s+)?index\s+(?:if\s+not\s+exists\s+)?(?:[`"[]?)(\w+)[`"\]]?\s+on\s+(?:[`"[]?)(\w+)[`"\]]?\s*\(/i;

/** Reads `CREATE [UNIQUE] INDEX name ON table (columns) [WHERE …]`, or undefined when it is not one. */
export function parseIndex(sql: string): ParsedIndex | undefined {
  const match = head.exec(sql);
  if (!match) return undefined;
  let depth = 1;
  let end = match[0].length;
  for (; end < sql.length && depth > 0; end++) {
    if (sql[end] === '(') depth++;
    else if (sql[end] === ')') depth--;
  }
  if (depth !== 0) return undefined;
  const columns = sql.slice(match[0].length, end - 1).trim();
  const rest = sql.slice(end).trim().replace(/;$/, '').trim();
  if (columns === '' || (rest !== '' && !/^where\s/i.test(rest))) return undefined;
  return { unique: Boolean(match[1]), name: match[2], table: match[3], columns, where: rest };
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/** Rebuilds an index with quoted identifiers; bare column names that are known fields get quoted too. */
export function formatIndex(index: ParsedIndex, fieldNames: ReadonlySet<string> = new Set()): string {
  const columns = splitTopLevel(index.columns)
    .map((part) => part.trim().replace(/^`(\w+)`|^\[(\w+)\]/, (_, a, b) => quote(a ?? b)))
    .map((part) => {
      const bare = /^(\w+)(\s|$)/.exec(part);
      return bare && fieldNames.has(bare[1]) ? quote(bare[1]) + part.slice(bare[1].length) : part;
    })
    .join(', ');
  const where = index.where ? ` ${index.where.replace(/`(\w+)`/g, (_, name) => quote(name))}` : '';
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${quote(index.name)} ON ${quote(index.table)} (${columns})${where}`;
}

function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const char = list[i];
    if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === ',' && depth === 0) {
      parts.push(list.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(list.slice(start));
  return parts;
}

/** The same index pointed at another table (used when a collection is renamed). */
export function retargetIndex(sql: string, table: string): string {
  const index = parseIndex(sql);
  if (!index) return sql;
  return sql.replace(
    /(\s+on\s+)([`"[]?)(\w+)([`"\]]?)(\s*\()/i,
    (_all, on, open, _old, close, paren) => `${on}${open}${table}${close}${paren}`,
  );
}
