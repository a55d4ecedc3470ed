import type { SystemItem, SystemTable } from '../writes/system-items.ts';
import { tableShape } from '../writes/system-list.ts';

export const ACTIVITY = '_activity';
export const REVISIONS = '_revisions';

/** What an activity entry records: a write's action, or a sign-in. */
export type ActivityAction = 'create' | 'update' | 'delete' | 'login';

/** One entry of the activity log: who did what to which item, when and from where. */
export interface ActivityEntry extends SystemItem {
  action: ActivityAction;
  /** The auth record that acted, null for a guest. */
  user: string | null;
  userCollection: string | null;
  /** The collection of a record, or the system table written (`_collections`, `_roles`…). */
  collection: string;
  item: string;
  ip: string;
  userAgent: string;
  origin: string;
  comment: string | null;
}

/** A record's data after a create or update (`data`), and what that change changed (`delta`). */
export interface Revision extends SystemItem {
  activity: string;
  collection: string;
  item: string;
  data: Record<string, unknown>;
  delta: Record<string, unknown>;
}

const aboutCollection = (item: { collection?: string }): readonly string[] =>
  item.collection ? [item.collection] : [];

export const activityTable: SystemTable<ActivityEntry> = {
  context: 'activity',
  table: ACTIVITY,
  fromRow: (row) => ({
    id: String(row.id),
    action: String(row.action) as ActivityAction,
    user: row.user === null ? null : String(row.user),
    userCollection: row.userCollection === null ? null : String(row.userCollection),
    collection: String(row.collection),
    item: String(row.item),
    ip: String(row.ip),
    userAgent: String(row.userAgent),
    origin: String(row.origin),
    comment: row.comment === null ? null : String(row.comment),
    created: String(row.created),
  }),
  toRow: (entry) => ({ ...entry }),
  tags: aboutCollection,
  sequentialIds: true,
};

export const revisionsTable: SystemTable<Revision> = {
  context: 'revisions',
  table: REVISIONS,
  // a create's delta is its data: encoded and decoded once, not twice
  fromRow: (row) => {
    const data = JSON.parse(String(row.data));
    return {
      id: String(row.id),
      activity: String(row.activity),
      collection: String(row.collection),
      item: String(row.item),
      data,
      delta: row.delta === row.data ? data : JSON.parse(String(row.delta)),
      created: String(row.created),
    };
  },
  toRow: (revision) => {
    const data = JSON.stringify(revision.data);
    return {
      ...revision,
      data,
      delta: revision.delta === revision.data ? data : JSON.stringify(revision.delta),
    };
  },
  tags: aboutCollection,
  sequentialIds: true,
};

export const activityShape = tableShape(ACTIVITY, {
  id: 'text',
  action: 'text',
  user: 'text',
  userCollection: 'text',
  collection: 'text',
  item: 'text',
  ip: 'text',
  userAgent: 'text',
  origin: 'text',
  comment: 'text',
  created: 'text',
});

export const revisionsShape = tableShape(REVISIONS, {
  id: 'text',
  activity: 'text',
  collection: 'text',
  item: 'text',
  created: 'text',
});
