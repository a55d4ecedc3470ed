import { InvalidPayloadError } from '@sluice/hooks';
import { Cron } from 'croner';
import type { App } from '../app/types.ts';
import type { Backups } from './service.ts';

/** The owner of the backups' schedule and hooks, as the hooks registry shows it. */
const OWNER = 'system:backups';

/**
 * The settings' `backups.cron` makes a backup on that schedule, keeping the newest
 * `backups.cronMaxKeep` automatic ones; a settings change reschedules it. An invalid expression
 * is a 400 on `backups.cron` when saved.
 */
export async function scheduleBackups(app: App, backups: Backups): Promise<void> {
  let unschedule: (() => void) | undefined;
  const apply = async () => {
    const { cron, cronMaxKeep } = (await app.services.settings.current()).backups;
    unschedule?.();
    unschedule = cron
      ? app.hooks.schedule(cron, () => backups.createScheduled(cronMaxKeep), {
          owner: OWNER,
          name: '__pbAutoBackup__',
        })
      : undefined;
  };
  app.hooks.filter(
    'settings.update',
    (payload) => {
      const cron = (payload.backups as { cron?: unknown } | undefined)?.cron;
      if (typeof cron === 'string' && cron !== '') {
        try {
          new Cron(cron, { paused: true }).stop();
        } catch (error) {
          throw new InvalidPayloadError('Invalid settings.', {
            'backups.cron': { code: 'validation_invalid_cron', message: (error as Error).message },
          });
        }
      }
      return payload;
    },
    { owner: OWNER },
  );
  app.hooks.action('settings.update', apply, { owner: OWNER });
  app.hooks.action('settings.delete', apply, { owner: OWNER });
  await apply();
}
