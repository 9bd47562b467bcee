exports.greet = () => 'hi';
