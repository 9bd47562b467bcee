const ms = require('ms');

exports.describe = () => String(ms('2 days'));
