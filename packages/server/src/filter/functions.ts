import { sql } from 'kysely';
import type { Operand } from './ast.ts';
import { type Fragment, param } from './dialect-sql.ts';
import { invalidFilter } from './errors.ts';
import type { CompileState, ScalarValue, Value } from './values.ts';

/** The Earth's mean radius, in kilometres, as PocketBase's `geoDistance()` uses. */
const EARTH_RADIUS_KM = 6371;

/**
 * A filter function call, as PocketBase has them: `geoDistance(lonA, latA, lonB, latB)`, the
 * haversine distance in kilometres between two points (each argument a number, a field such as
 * `location.lon`, or request data).
 */
export function resolveFunction(
  state: CompileState,
  call: Extract<Operand, { kind: 'call' }>,
  resolve: (operand: Operand) => Value,
): ScalarValue {
  if (call.name !== 'geoDistance') {
    throw invalidFilter(`unknown function ${JSON.stringify(call.name)} at position ${call.position}`);
  }
  if (call.args.length !== 4) {
    throw invalidFilter(
      `geoDistance() takes 4 arguments (lonA, latA, lonB, latB), at position ${call.position}`,
    );
  }
  const [lonA, latA, lonB, latB] = call.args.map((arg) => numberOf(state, resolve(arg), arg.position));
  const { dialect } = state.ctx;
  const half = (a: Fragment, b: Fragment) => sql`POWER(SIN(RADIANS(${b} - ${a}) / 2), 2)`;
  return {
    kind: 'scalar',
    type: 'number',
    nullable: true,
    render: () =>
      sql`(${param(dialect, 2 * EARTH_RADIUS_KM, 'number')} * ASIN(SQRT(${half(latA, latB)} + COS(RADIANS(${latA})) * COS(RADIANS(${latB})) * ${half(lonA, lonB)})))`,
  };
}

function numberOf(state: CompileState, value: Value, position: number): Fragment {
  if (value.kind === 'scalar') return value.render('number');
  const number = value.kind === 'constant' && value.value !== '' ? Number(value.value) : Number.NaN;
  if (value.kind === 'constant' && typeof value.value !== 'boolean' && Number.isFinite(number)) {
    return param(state.ctx.dialect, number, 'number');
  }
  throw invalidFilter(`geoDistance() takes numbers or single fields, at position ${position}`);
}
