// Directus' older form: the register function returns an object of event keys.
// A `.before` handler receives the payload as an array (`input[0]` is the new item).
module.exports = function registerHook({ exceptions, env }) {
  const { ServiceUnavailableException, ForbiddenException } = exceptions;
  const recipesUrl = env.RECIPES_URL ?? 'https://example.com/recipes';

  return {
    // Force everything to be admin-only at all times (reported after the fact: actions cannot undo a write)
    'item.*.*': async ({ item, accountability }) => {
      if (accountability.admin !== true) throw new ForbiddenException(`Not allowed on ${item}`);
    },
    // Sync with external recipes service, cancel creation on failure
    'item.recipes.create.before': async (input) => {
      try {
        const response = await fetch(recipesUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(input),
        });
        if (!response.ok) throw new Error(`The recipes service answered ${response.status}.`);
      } catch (error) {
        throw new ServiceUnavailableException(error);
      }

      input[0].syncedWithExample = true;

      return input;
    },
  };
};
