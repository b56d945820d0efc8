/** A duration as milliseconds or a short string: `500ms`, `10s`, `2m`, `1h`. */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h'}`;

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

export function toMilliseconds(duration: Duration): number {
  if (typeof duration === 'number') return checked(duration, String(duration));
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(duration);
  if (!match) throw new Error(`"${duration}" is not a duration such as 500ms, 10s or 2m`);
  return checked(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS], duration);
}

function checked(ms: number, source: string): number {
  if (!Number.isFinite(ms) || ms <= 0) throw new Error(`"${source}" is not a positive duration`);
  return Math.round(ms);
}
