const rows = [{ id: 1 }];
module.exports = { count: () => rows.length };
