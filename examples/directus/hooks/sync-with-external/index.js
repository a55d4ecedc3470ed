// Directus' register functions (filter, action), as its documentation's full example writes them.
// The recipes service is read from RECIPES_URL; mail goes out only when a MailService is offered.
module.exports = function registerHook({ filter, action }, { services, exceptions, env }) {
  const { MailService } = services ?? {};
  const { ServiceUnavailableException, ForbiddenException } = exceptions;
  const recipesUrl = env.RECIPES_URL ?? 'https://example.com/recipes';

  // Sync with external recipes service, cancel creation on failure
  filter('items.create', async (input, { collection }, { schema }) => {
    if (collection !== 'recipes') return input;

    try {
      const response = await fetch(recipesUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(input),
      });
      if (!response.ok) throw new Error(`The recipes service answered ${response.status}.`);

      if (MailService) {
        const mailService = new MailService({ schema });
        await mailService.send({
          to: 'person@example.com',
          template: { name: 'item-created', data: { collection } },
        });
      }
    } catch (error) {
      throw new ServiceUnavailableException(error);
    }

    input.syncedWithExample = true;
    return input;
  });

  // Force everything to be admin-only at all times. Actions run once the change is committed,
  // so a throw here is reported (hook.error) rather than undoing it: to refuse, use a filter.
  const adminOnly = async (_, { accountability }) => {
    if (accountability.admin !== true) throw new ForbiddenException();
  };

  action('items.create', adminOnly);
  action('items.read', adminOnly);
  action('items.update', adminOnly);
  action('items.delete', adminOnly);
};
