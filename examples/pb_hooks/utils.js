// A module the hook files share: `require(`${__hooks}/utils.js`)`, as in PocketBase.
module.exports = {
  slugify: (text) =>
    String(text)
      .toLowerCase()
      .trim()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, ''),
};
