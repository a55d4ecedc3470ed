// What `sluice` resolves to inside extension files: the running server's own module.
module.exports = globalThis[Symbol.for('sluice.own-modules')].sluice;
