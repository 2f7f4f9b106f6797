export * from './types.js';
export * from './round.js';
export * from './scoring.js';
