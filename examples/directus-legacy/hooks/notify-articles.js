// A standalone hook as a plain file (extensions/hooks/<hook-id>.js); posts when WEBHOOK_URL is set.
module.exports = function registerHook({ env }) {
  return {
    'item.create.articles': ({ item }) => {
      if (!env.WEBHOOK_URL) return;
      return fetch(env.WEBHOOK_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ article: item }),
      });
    },
  };
};
