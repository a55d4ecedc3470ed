/** The parsed shape of a filter expression. Positions are 0-based character offsets. */
export type ComparisonOperator =
  | '='
  | '!='
  | '>'
  | '>='
  | '<'
  | '<='
  | '~'
  | '!~'
  | '?='
  | '?!='
  | '?>'
  | '?>='
  | '?<'
  | '?<='
  | '?~'
  | '?!~';

export type Operand =
  | { kind: 'identifier'; name: string; position: number }
  | { kind: 'string'; value: string; position: number }
  | { kind: 'number'; value: number; position: number }
  | { kind: 'boolean'; value: boolean; position: number }
  | { kind: 'null'; position: number }
  | { kind: 'call'; name: string; args: Operand[]; position: number };

export interface Comparison {
  kind: 'comparison';
  left: Operand;
  operator: ComparisonOperator;
  right: Operand;
  position: number;
}

/** `&&` and `||` chains are kept flat so that long chains do not deepen the tree. */
export interface Junction {
  kind: 'and' | 'or';
  items: FilterNode[];
}

export type FilterNode = Comparison | Junction;
