import { randomBytes } from 'node:crypto';

export type RandomSource = (n: number) => Uint8Array;
export const secureRandom: RandomSource = (n) => new Uint8Array(randomBytes(n));
