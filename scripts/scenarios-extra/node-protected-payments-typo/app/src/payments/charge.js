const client = require('./stripe-clinet');

module.exports = function charge(order) {
  return client.charge(Math.round(order.total * 100));
};
