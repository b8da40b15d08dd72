/**
 * The token market: a constant-product pool (x·y = k) fed by the agents' sells and buys, or an exogenous price path
 * (geometric random walk with drift, or a formula of the epoch). Deterministic given its random stream.
 */
import type { Formula } from "./formula";
import type { Rng } from "./random";

export interface Market {
  /** Price in USD per token. */
  price(): number;
  /** Spend `usd` buying tokens; returns the tokens bought. */
  buyWithUsd(usd: number): number;
  /** Buy exactly `tokens`; returns the USD spent. */
  buyTokens(tokens: number): number;
  /** Sell `tokens`; returns the USD received. */
  sell(tokens: number): number;
  /** The USD selling `tokens` now would fetch, without trading. */
  quoteSell(tokens: number): number;
  /** Advance one epoch (the exogenous path moves; the pool does not). */
  step(): void;
}

/** Constant-product pool with `liquidityUsd` on each side at `initialPrice`. */
export function constantProductMarket(initialPrice: number, liquidityUsd: number): Market {
  let usd = liquidityUsd;
  let tok = liquidityUsd / initialPrice;
  const k = usd * tok;
  return {
    price: () => usd / tok,
    buyWithUsd(amount) {
      if (amount <= 0) return 0;
      const newTok = k / (usd + amount);
      const out = tok - newTok;
      usd += amount;
      tok = newTok;
      return out;
    },
    buyTokens(amount) {
      if (amount <= 0) return 0;
      // never drain the pool: cap at 99% of its tokens
      const take = Math.min(amount, tok * 0.99);
      const newUsd = k / (tok - take);
      const cost = newUsd - usd;
      usd = newUsd;
      tok -= take;
      return cost * (amount / take);
    },
    quoteSell: (amount) => (amount > 0 ? usd - k / (tok + amount) : 0),
    sell(amount) {
      if (amount <= 0) return 0;
      const newUsd = k / (tok + amount);
      const out = usd - newUsd;
      usd = newUsd;
      tok += amount;
      return out;
    },
    step() {},
  };
}

/** Exogenous price path: log price moves by `drift + volatility·N(0,1)` per epoch; trades do not move it. */
export function exogenousMarket(initialPrice: number, drift: number, volatility: number, rng: Rng): Market {
  let p = initialPrice;
  return {
    price: () => p,
    buyWithUsd: (amount) => (amount > 0 ? amount / p : 0),
    buyTokens: (amount) => (amount > 0 ? amount * p : 0),
    sell: (amount) => (amount > 0 ? amount * p : 0),
    quoteSell: (amount) => (amount > 0 ? amount * p : 0),
    step() {
      p *= Math.exp(drift + (volatility > 0 ? volatility * rng.normal() : 0));
    },
  };
}

/** Exogenous price given by a formula of the epoch `t` (`market.pricePath`); trades do not move it. */
export function formulaPriceMarket(pricePath: Formula): Market {
  const priceAt = (t: number): number => {
    const price = pricePath({ t });
    if (!(price > 0))
      throw new Error(`market.pricePath: the price at t = ${t} is ${price}; expected a positive number`);
    return price;
  };
  let t = 0;
  let p = priceAt(t);
  return {
    price: () => p,
    buyWithUsd: (amount) => (amount > 0 ? amount / p : 0),
    buyTokens: (amount) => (amount > 0 ? amount * p : 0),
    sell: (amount) => (amount > 0 ? amount * p : 0),
    quoteSell: (amount) => (amount > 0 ? amount * p : 0),
    step() {
      p = priceAt(++t);
    },
  };
}
