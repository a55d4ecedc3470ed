import type { Core } from '../app/core.ts';
import { inTransaction } from '../app/transaction.ts';
import { INTERNAL_OWNER } from '../context.ts';
import type { SettingsService } from '../settings/service.ts';
import { activityRecorder, logActivity, wantsActivity } from './recorder.ts';
import type { RevisionsService } from './revisions.ts';
import type { ActivityService } from './service.ts';

/** When the retention clean-up runs: every hour, on one instance of a cluster. */
const RETENTION_SCHEDULE = '23 * * * *';

/**
 * Starts the activity log: its recorder in every write's transaction, an entry per sign-in
 * (an action on `auth.login`: a sign-in writes nothing else to be part of), and the hourly
 * clean-up of entries and revisions older than the settings' `activity.maxDays` and
 * `activity.revisionsMaxDays`. Returns what stops it.
 */
export function startActivityLog(
  core: Core,
  services: { activity: ActivityService; revisions: RevisionsService; settings: SettingsService },
): () => void {
  const removeRecorder = core.recorders.add(activityRecorder(core), wantsActivity);
  const offLogin = core.hooks.action(
    'auth.login',
    async (meta, ctx) => {
      const user = meta.user;
      if (meta.status !== 'success' || meta.provider === 'refresh' || !user) return;
      const accountability = { user: user.id, collection: meta.collection, admin: false, record: user };
      await inTransaction(core, { ...ctx, accountability }, (tx) =>
        logActivity(core, tx, 'login', meta.collection, user.id),
      );
    },
    { owner: INTERNAL_OWNER },
  );
  const offSchedule = core.hooks.schedule(
    RETENTION_SCHEDULE,
    async () => {
      const { activity } = await services.settings.current();
      await services.activity.prune(activity.maxDays);
      await services.revisions.prune(activity.revisionsMaxDays);
    },
    { owner: INTERNAL_OWNER, name: '__sluiceActivityCleanup__' },
  );
  return () => {
    removeRecorder();
    offLogin();
    offSchedule();
  };
}
