const dayjs = require('dayjs');
exports.now = () => dayjs().toISOString();
