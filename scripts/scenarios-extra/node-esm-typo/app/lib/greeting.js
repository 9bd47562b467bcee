export const greet = () => 'hi';
