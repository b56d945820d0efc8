/**
 * A seeded pseudo-random generator (mulberry32): the same seed gives the same orders and the same
 * fault schedule, so a failing run can be replayed with `--seed`.
 */
export class Random {
  constructor(seed) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next() {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max], both included. */
  int(min, max) {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick(items) {
    return items[Math.floor(this.next() * items.length)];
  }

  /** One key of `weights` ({ name: weight }), chosen in proportion to its weight. */
  weighted(weights) {
    const entries = Object.entries(weights).filter(([, weight]) => weight > 0);
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [name, weight] of entries) {
      roll -= weight;
      if (roll < 0) return name;
    }
    return entries[entries.length - 1][0];
  }

  /** A new generator whose sequence depends only on this seed and `label`: adding draws to one
   * part of the run (say, the orders) leaves the others (the faults) unchanged. */
  fork(label) {
    let hash = this.state ^ 0x9e3779b9;
    for (const char of label) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
    return new Random(hash >>> 0);
  }
}

/** A seed for a run that was not given one. */
export function freshSeed() {
  return Math.floor(Math.random() * 2 ** 31);
}
