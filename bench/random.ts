// A seeded random source and the realistic values drawn from it (Chinese names, mobile numbers), so that one
// seed always gives the same generated province, on either database.

export type Random = {
  /** Uniform in [0, 1). */
  next: () => number;
  /** Integer in [min, max], both included. */
  int: (min: number, max: number) => number;
  chance: (p: number) => boolean;
  pick: <T>(items: readonly T[]) => T;
  /** Picks by weight: [[value, weight], …]. */
  weighted: <T>(items: readonly (readonly [T, number])[]) => T;
  /** Normally distributed (Box–Muller). */
  normal: (mean: number, sd: number) => number;
  shuffle: <T>(items: T[]) => T[];
};

/** sfc32, seeded through splitmix32: fast, small state, good enough statistics for test data. */
export function createRandom(seed: number): Random {
  let s = seed >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
    weighted: (items) => {
      const total = items.reduce((sum, [, w]) => sum + w, 0);
      let r = next() * total;
      for (const [value, weight] of items) {
        r -= weight;
        if (r < 0) return value;
      }
      return items[items.length - 1][0];
    },
    normal: (mean, sd) => {
      const u = 1 - next();
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
    shuffle: (items) => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [items[i], items[j]] = [items[j], items[i]];
      }
      return items;
    },
  };
  return random;
}

/** A stream of its own per purpose, so that changing how many channels are made leaves the people unchanged. */
export function deriveSeed(seed: number, purpose: string): number {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (const ch of purpose) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

// The most common surnames, roughly by frequency (王李张刘陈 cover about a third of the population), with a
// weight each; given names are one or two characters from those common in names born 1995–2010.
const surnames: readonly (readonly [string, number])[] = [
  ['王', 72],
  ['李', 70],
  ['张', 66],
  ['刘', 54],
  ['陈', 46],
  ['杨', 34],
  ['赵', 21],
  ['黄', 18],
  ['周', 17],
  ['吴', 16],
  ['徐', 13],
  ['孙', 12],
  ['胡', 10],
  ['朱', 10],
  ['高', 10],
  ['林', 9],
  ['何', 9],
  ['郭', 9],
  ['马', 9],
  ['罗', 7],
  ['梁', 7],
  ['宋', 6],
  ['郑', 6],
  ['谢', 5],
  ['韩', 5],
  ['唐', 5],
  ['冯', 5],
  ['于', 5],
  ['董', 5],
  ['萧', 3],
  ['程', 4],
  ['曹', 4],
  ['袁', 4],
  ['邓', 4],
  ['许', 4],
  ['傅', 3],
  ['沈', 3],
  ['曾', 3],
  ['彭', 3],
  ['吕', 3],
  ['苏', 3],
  ['卢', 3],
  ['蒋', 3],
  ['蔡', 3],
  ['贾', 3],
  ['丁', 2],
  ['魏', 3],
  ['薛', 2],
  ['叶', 2],
  ['阎', 2],
  ['雷', 2],
  ['白', 2],
  ['党', 1],
  ['欧阳', 1],
  ['司马', 0.3],
];
const givenChars = [
  ...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏飞宇浩然子轩欣怡梓涵一诺雨泽晨阳佳琪思远博文嘉怡',
  ...'俊杰婷婷雪梅海燕志强建国文静晓东凯瑞欢乐康宁德鑫瑶琳琦瑾航昊睿辰宸铭泽楠楷彤妍萱蕊诗语晗',
];

export function chineseName(random: Random): string {
  const surname = random.weighted(surnames);
  const given = random.chance(0.72) ? random.pick(givenChars) + random.pick(givenChars) : random.pick(givenChars);
  return surname + given;
}

const mobilePrefixes = [
  ...['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '153', '155'],
  ...['156', '157', '158', '159', '166', '173', '175', '176', '177', '178', '180', '181', '182', '183'],
  ...['185', '186', '187', '188', '189', '191', '198', '199'],
];

/**
 * The i-th generated mobile number: never the same for two values of i below 10^8, because the last eight digits
 * are an affine bijection of i modulo 10^8 (7,654,321 is prime to 10^8). Different starting points keep the
 * province, a test's extra rows and a benchmark's import file apart.
 */
export function phoneNumber(i: number): string {
  const tail = (i * 7_654_321 + 12_345_678) % 100_000_000;
  return mobilePrefixes[(i * 17 + Math.floor(i / 1000)) % mobilePrefixes.length] + String(tail).padStart(8, '0');
}
