export const db = { items: () => [{ id: 1 }] };
