// Qelos' registerToHook and SDK events, as its "Hooks and Events" page writes them.

import type { ExtensionContext } from '../../../../packages/server/src/extensions/types.ts';
import type { QelosPlugin } from '../../../../packages/server/src/extensions/vocabularies/qelos.ts';

export const vocabulary = 'qelos';

export default ({ registerToHook, getSdk, logger }: QelosPlugin & ExtensionContext) => {
  registerToHook({ source: 'auth', kind: 'signup', eventName: 'user-registered' }, (req) => {
    const { body } = req;

    getSdk().events.dispatch({
      user: body.user,
      source: 'my-plugin',
      kind: 'my-type',
      eventName: 'thing-changed',
      metadata: { customData: 1 },
    });
  });

  registerToHook({ source: 'plugin:my-plugin', kind: '*', eventName: '*' }, (req) => {
    const { user, source, kind, eventName, metadata } = req.body;

    if (metadata.customData === 1 && eventName === 'thing-changed') {
      logger.info({ user, source, kind, eventName }, 'you reached the good place.');
    }
  });
};
