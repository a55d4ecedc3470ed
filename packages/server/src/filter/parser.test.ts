import { describe, expect, it } from 'vitest';
import { MAX_COMPARISONS, MAX_EXPRESSION_LENGTH, MAX_NESTING_DEPTH } from './limits.ts';
import { parseFilter } from './parser.ts';

function errorOf(source: string): { message: string; status: number; details: unknown } {
  try {
    parseFilter(source);
  } catch (error) {
    return error as { message: string; status: number; details: unknown };
  }
  throw new Error(`expected ${JSON.stringify(source)} to fail`);
}

describe('parseFilter', () => {
  it('parses a comparison with positions', () => {
    expect(parseFilter("title = 'a'")).toEqual({
      kind: 'comparison',
      left: { kind: 'identifier', name: 'title', position: 0 },
      operator: '=',
      right: { kind: 'string', value: 'a', position: 8 },
      position: 0,
    });
  });

  it('reads function calls with their arguments, which do not nest', () => {
    expect(parseFilter('geoDistance(loc.lon, loc.lat, 2.5, -3) < 10')).toMatchObject({
      left: {
        kind: 'call',
        name: 'geoDistance',
        args: [
          { kind: 'identifier', name: 'loc.lon', position: 12 },
          { kind: 'identifier', name: 'loc.lat' },
          { kind: 'number', value: 2.5 },
          { kind: 'number', value: -3 },
        ],
        position: 0,
      },
      right: { kind: 'number', value: 10 },
    });
    expect(errorOf('f(a b) > 1').message).toMatch(/unexpected "b"/);
    expect(errorOf('f(g(1)) > 1').message).toMatch(/functions do not nest/);
    expect(errorOf('f(1, 2 > 1').message).toMatch(/unexpected ">"/);
  });

  it('reads every operator', () => {
    const operators = [
      '=',
      '!=',
      '>',
      '>=',
      '<',
      '<=',
      '~',
      '!~',
      '?=',
      '?!=',
      '?>',
      '?>=',
      '?<',
      '?<=',
      '?~',
      '?!~',
    ];
    for (const operator of operators) {
      expect(parseFilter(`a${operator}1`)).toMatchObject({ kind: 'comparison', operator });
      expect(parseFilter(`a ${operator} 1`)).toMatchObject({ kind: 'comparison', operator });
    }
  });

  it('reads literals', () => {
    const right = (source: string) => (parseFilter(`a = ${source}`) as { right: unknown }).right;
    expect(right('"double"')).toMatchObject({ kind: 'string', value: 'double' });
    expect(right("'it\\'s'")).toMatchObject({ kind: 'string', value: "it's" });
    expect(right('"say \\"hi\\""')).toMatchObject({ kind: 'string', value: 'say "hi"' });
    expect(right("'back\\\\slash\\n'")).toMatchObject({ kind: 'string', value: 'back\\slash\n' });
    expect(right("'50\\%'")).toMatchObject({ kind: 'string', value: '50\\%' });
    expect(right("'a && b || (c)'")).toMatchObject({ kind: 'string', value: 'a && b || (c)' });
    expect(right('12')).toMatchObject({ kind: 'number', value: 12 });
    expect(right('-1.5')).toMatchObject({ kind: 'number', value: -1.5 });
    expect(right('true')).toMatchObject({ kind: 'boolean', value: true });
    expect(right('false')).toMatchObject({ kind: 'boolean', value: false });
    expect(right('null')).toMatchObject({ kind: 'null' });
  });

  it('reads identifiers with paths, macros and modifiers', () => {
    for (const name of [
      'author.team.name',
      '@request.auth.id',
      '@collection.news:n.title',
      '@now',
      'tags:each',
    ]) {
      expect(parseFilter(`${name} = 1`)).toMatchObject({ left: { kind: 'identifier', name } });
    }
  });

  it('binds && tighter than || and keeps chains flat', () => {
    expect(parseFilter('a = 1 || b = 2 && c = 3 || d = 4')).toMatchObject({
      kind: 'or',
      items: [
        { kind: 'comparison', left: { name: 'a' } },
        { kind: 'and', items: [{ left: { name: 'b' } }, { left: { name: 'c' } }] },
        { kind: 'comparison', left: { name: 'd' } },
      ],
    });
    expect(parseFilter('(a = 1 || b = 2) && c = 3')).toMatchObject({
      kind: 'and',
      items: [{ kind: 'or' }, { kind: 'comparison' }],
    });
    const chain = parseFilter(Array(50).fill('a = 1').join(' && ')) as { items: unknown[] };
    expect(chain.items).toHaveLength(50);
  });

  it('ignores comments and whitespace', () => {
    expect(parseFilter('// all of it\n  a = 1 // trailing\n')).toMatchObject({ kind: 'comparison' });
    expect(parseFilter('  // only a comment ')).toBeNull();
    expect(parseFilter('')).toBeNull();
  });

  it('reports where a syntax error is', () => {
    expect(errorOf("(title = 'a'))").message).toBe('Invalid filter: unexpected ")" at position 13.');
    expect(errorOf('title = ').message).toBe('Invalid filter: unexpected end of filter at position 8.');
    expect(errorOf('title').message).toBe('Invalid filter: unexpected end of filter at position 5.');
    expect(errorOf("title 'a'").message).toBe(`Invalid filter: unexpected "'a'" at position 6.`);
    expect(errorOf('a = 1 &&').message).toBe('Invalid filter: unexpected end of filter at position 8.');
    expect(errorOf('a = 1 & b = 2').message).toBe('Invalid filter: unexpected "&" at position 6.');
    expect(errorOf('a == 1').message).toBe('Invalid filter: unexpected "=" at position 3.');
    expect(errorOf('(a = 1').message).toBe('Invalid filter: unexpected end of filter at position 6.');
    expect(errorOf('a = 1 b = 2').message).toBe('Invalid filter: unexpected "b" at position 6.');
    expect(errorOf('a = $1').message).toBe('Invalid filter: unexpected "$" at position 4.');
    expect(errorOf("a = 'open").message).toBe('Invalid filter: unterminated string starting at position 4.');
    expect(errorOf('() ').message).toBe('Invalid filter: unexpected ")" at position 1.');
  });

  it('throws a 400 with details under "filter"', () => {
    const error = errorOf('a = ');
    expect(error.status).toBe(400);
    expect(error.details).toEqual({
      filter: {
        code: 'validation_invalid_filter',
        message: 'Invalid filter: unexpected end of filter at position 4.',
      },
    });
  });

  it('limits length, nesting and size', () => {
    const long = `a = '${'x'.repeat(MAX_EXPRESSION_LENGTH)}'`;
    expect(errorOf(long).message).toMatch(/longer than 4000 characters/);

    const nested = (depth: number) => `${'('.repeat(depth)}a = 1${')'.repeat(depth)}`;
    expect(parseFilter(nested(MAX_NESTING_DEPTH))).toMatchObject({ kind: 'comparison' });
    expect(errorOf(nested(MAX_NESTING_DEPTH + 1)).message).toMatch(
      /nest deeper than 10 levels at position 10/,
    );
    expect(errorOf('('.repeat(100_000)).message).toMatch(/longer than/);
    expect(errorOf('('.repeat(2000)).message).toMatch(/nest deeper/);

    expect(
      errorOf(
        Array(MAX_COMPARISONS + 1)
          .fill('a=1')
          .join('||'),
      ).message,
    ).toMatch(/more than 200 comparisons/);
  });
});
