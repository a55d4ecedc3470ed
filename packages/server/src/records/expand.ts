import { InvalidPayloadError } from '@sluice/hooks';
import { isMultiple } from '../collections/fields.ts';
import type { Collection, RecordData } from '../collections/types.ts';
import type { HookContext } from '../context.ts';
import type { Database } from '../db/types.ts';
import { decodeRecord } from './encoding.ts';
import { isOwnRecord, permittedFields, ruleCondition, withPermittedFields } from './rules.ts';

const MAX_DEPTH = 6;

/**
 * `expand=author,comments.user`: replaces nothing, adds `record.expand[field]` with the related
 * record(s), fetched in one query per relation and level, and only those the caller may view.
 */
export async function expandRecords(
  database: Database,
  collection: Collection,
  records: RecordData[],
  expand: string,
  ctx: HookContext,
): Promise<void> {
  if (!expand || records.length === 0) return;
  const tree = parseExpand(expand);
  await expandLevel(database, collection, records, tree, ctx, 1);
}

type ExpandTree = Map<string, ExpandTree>;

function parseExpand(expand: string): ExpandTree {
  const tree: ExpandTree = new Map();
  for (const path of expand
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const segments = path.split('.');
    if (segments.length > MAX_DEPTH) {
      throw new InvalidPayloadError('Invalid expand.', {
        expand: { code: 'validation_invalid_expand', message: `At most ${MAX_DEPTH} levels.` },
      });
    }
    let node = tree;
    for (const segment of segments) {
      let child = node.get(segment);
      if (!child) {
        child = new Map();
        node.set(segment, child);
      }
      node = child;
    }
  }
  return tree;
}

async function expandLevel(
  database: Database,
  collection: Collection,
  records: RecordData[],
  tree: ExpandTree,
  ctx: HookContext,
  depth: number,
): Promise<void> {
  for (const [fieldName, children] of tree) {
    const field = collection.fields.find((candidate) => candidate.name === fieldName);
    if (field?.type !== 'relation' || !field.collectionId) {
      throw new InvalidPayloadError('Invalid expand.', {
        expand: {
          code: 'validation_invalid_expand',
          message: `"${fieldName}" is not a relation field of "${collection.name}".`,
        },
      });
    }
    const target = ctx.schema.get(field.collectionId);
    if (!target) continue;
    const ids = new Set<string>();
    for (const record of records) {
      const value = record[fieldName];
      for (const id of Array.isArray(value) ? value : [value]) if (typeof id === 'string' && id) ids.add(id);
    }
    if (ids.size === 0) continue;
    let condition: ReturnType<typeof ruleCondition>;
    try {
      condition = ruleCondition(target, 'viewRule', ctx, database.dialect);
    } catch {
      continue;
    }
    let query = database.reader
      .selectFrom(target.name)
      .selectAll()
      .where('id', 'in', [...ids]);
    if (condition) query = query.where(condition);
    const rows = await query.execute();
    const isAdmin = ctx.accountability.admin;
    const fields = permittedFields(target, 'viewRule', ctx);
    const related = new Map(
      rows.map((row) => [
        String(row.id),
        withPermittedFields(
          decodeRecord(target, row, { isAdmin, showEmail: isOwnRecord(target, row, ctx.accountability) }),
          fields,
        ),
      ]),
    );
    if (children.size > 0 && depth < MAX_DEPTH) {
      await expandLevel(database, target, [...related.values()], children, ctx, depth + 1);
    }
    for (const record of records) {
      const value = record[fieldName];
      const found = (Array.isArray(value) ? value : [value])
        .map((id) => related.get(String(id)))
        .filter((item): item is RecordData => item !== undefined);
      if (found.length === 0) continue;
      record.expand ??= {};
      const expanded = record.expand as Record<string, unknown>;
      expanded[fieldName] = isMultiple(field) ? found : found[0];
    }
  }
}
