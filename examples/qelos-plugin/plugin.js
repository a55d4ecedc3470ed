import {registerToHook} from '@sluice/plugin';

registerToHook({source: 'auth', kind: 'signup', eventName: 'user-registered'}, (req) => {
  const {tenantPayload, user, body} = req;
})

import { getSdk } from '@sluice/plugin'

getSdk().events.dispatch({
  user: '111',
  source: 'my-plugin',
  kind: 'my-type',
  eventName: 'thing-changed',
  metadata: {
    customData: 1
  }
})

registerToHook({source: 'plugin:my-plugin', kind: '*', eventName: '*'}, (req) => {
  const {tenantPayload} = req;
  
  const {user, source, kind, eventName, metadata} = req.body;
  
  if (user === '111' && metadata.customData === 1 && eventName === 'thing-changed') {
    console.log('you reached the good place.');
  }
})
