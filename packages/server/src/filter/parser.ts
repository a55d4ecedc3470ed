import type { Comparison, FilterNode, Operand } from './ast.ts';
import { invalidFilter } from './errors.ts';
import { describeToken, type Token, tokenize } from './lexer.ts';
import { MAX_COMPARISONS, MAX_EXPRESSION_LENGTH, MAX_NESTING_DEPTH } from './limits.ts';

/**
 * Parses a filter into its tree; `null` for an empty (or comment-only) filter, which matches
 * everything. `&&` binds tighter than `||`.
 */
export function parseFilter(source: string): FilterNode | null {
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw invalidFilter(`the expression is longer than ${MAX_EXPRESSION_LENGTH} characters`);
  }
  const parser = new Parser(tokenize(source));
  if (parser.peek().kind === 'end') return null;
  const node = parser.parseOr(0);
  parser.expectEnd();
  return node;
}

class Parser {
  private index = 0;
  private comparisons = 0;

  constructor(private readonly tokens: Token[]) {}

  peek(): Token {
    return this.tokens[this.index];
  }

  private next(): Token {
    const token = this.tokens[this.index];
    if (token.kind !== 'end') this.index++;
    return token;
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'end') throw unexpected(token);
  }

  parseOr(depth: number): FilterNode {
    const items = [this.parseAnd(depth)];
    while (this.peek().kind === 'or') {
      this.next();
      items.push(this.parseAnd(depth));
    }
    return items.length === 1 ? items[0] : { kind: 'or', items };
  }

  private parseAnd(depth: number): FilterNode {
    const items = [this.parsePrimary(depth)];
    while (this.peek().kind === 'and') {
      this.next();
      items.push(this.parsePrimary(depth));
    }
    return items.length === 1 ? items[0] : { kind: 'and', items };
  }

  private parsePrimary(depth: number): FilterNode {
    const token = this.peek();
    if (token.kind !== 'open') return this.parseComparison();
    if (depth >= MAX_NESTING_DEPTH) {
      throw invalidFilter(
        `parentheses nest deeper than ${MAX_NESTING_DEPTH} levels at position ${token.position}`,
      );
    }
    this.next();
    const node = this.parseOr(depth + 1);
    const close = this.next();
    if (close.kind !== 'close') throw unexpected(close);
    return node;
  }

  private parseComparison(): Comparison {
    const left = this.parseOperand();
    const operatorToken = this.next();
    if (operatorToken.kind !== 'operator') throw unexpected(operatorToken);
    const right = this.parseOperand();
    if (++this.comparisons > MAX_COMPARISONS) {
      throw invalidFilter(`the expression holds more than ${MAX_COMPARISONS} comparisons`);
    }
    return { kind: 'comparison', left, operator: operatorToken.value, right, position: left.position };
  }

  private parseOperand(): Operand {
    const token = this.next();
    const position = token.position;
    switch (token.kind) {
      case 'string':
        return { kind: 'string', value: token.value, position };
      case 'number':
        return { kind: 'number', value: token.value, position };
      case 'identifier':
        if (token.value === 'true' || token.value === 'false') {
          return { kind: 'boolean', value: token.value === 'true', position };
        }
        if (token.value === 'null') return { kind: 'null', position };
        if (this.peek().kind === 'open') return this.parseCall(token.value, position);
        return { kind: 'identifier', name: token.value, position };
      default:
        throw unexpected(token);
    }
  }

  /** `name(operand, …)`: a function's arguments are plain operands, never calls. */
  private parseCall(name: string, position: number): Operand {
    this.next();
    const args: Operand[] = [];
    while (this.peek().kind !== 'close') {
      if (args.length > 0 && this.next().kind !== 'comma') throw unexpected(this.tokens[this.index - 1]);
      const arg = this.parseOperand();
      if (arg.kind === 'call') throw invalidFilter(`functions do not nest, at position ${arg.position}`);
      args.push(arg);
    }
    this.next();
    return { kind: 'call', name, args, position };
  }
}

function unexpected(token: Token) {
  return invalidFilter(`unexpected ${describeToken(token)} at position ${token.position}`);
}
